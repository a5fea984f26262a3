"""마이페이지 › 주문 › 코드 보내기."""

from django.urls import path

from bizshop.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("orders/<int:order_id>/deliveries/new/", views.delivery_new, name="delivery-new"),
    path("orders/<int:order_id>/deliveries/<int:send_id>/", views.delivery_detail, name="delivery-detail"),
    path(
        "orders/<int:order_id>/deliveries/<int:send_id>/progress/",
        views.delivery_progress,
        name="delivery-progress",
    ),
    path(
        "orders/<int:order_id>/deliveries/<int:send_id>/recipients.csv",
        views.delivery_recipients_csv,
        name="delivery-recipients-csv",
    ),
    path(
        "orders/<int:order_id>/deliveries/<int:send_id>/resend-failed/",
        views.delivery_resend_failed,
        name="delivery-resend-failed",
    ),
    path(
        "orders/<int:order_id>/deliveries/<int:send_id>/recipients/<int:recipient_id>/resend/",
        views.recipient_resend,
        name="recipient-resend",
    ),
]
