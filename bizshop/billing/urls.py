"""마이페이지: the partner's orders."""

from django.urls import path

from bizshop.billing import views

app_name = "billing"
urlpatterns = [
    path("orders/", views.order_list, name="order-list"),
    path("orders/new/", views.order_create, name="order-create"),
    path("orders/export.csv", views.order_list_csv, name="order-list-csv"),
    path("orders/<int:order_id>/memo/", views.order_memo, name="order-memo"),
    path("orders/<int:order_id>/portone-return/", views.order_portone_return, name="order-portone-return"),
    path("orders/<int:order_id>/", views.order_detail, name="order-detail"),
    path("orders/<int:order_id>/statement.pdf", views.order_statement_pdf, name="order-statement-pdf"),
    path("orders/<int:order_id>/receipt.pdf", views.order_receipt_pdf, name="order-receipt-pdf"),
    path("quote.pdf", views.quote_pdf, name="quote-pdf"),
    path("orders/<int:order_id>/<str:action>/", views.order_action, name="order-action"),
]
