"""Public registration page and the end user's emoticons."""

from django.urls import path

from bizshop.codes import views

app_name = "codes"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/preview/", views.register_preview, name="register-preview"),
    path("me/emoticons/", views.my_emoticons, name="my-emoticons"),
    path(
        "me/emoticons/<int:registration_id>/stickers/<int:sticker_id>/<str:variant>",
        views.my_sticker,
        name="my-sticker",
    ),
    path("mypage/orders/<int:order_id>/codes.csv", views.order_codes_csv, name="order-codes-csv"),
    path("mypage/orders/<int:order_id>/codes.xlsx", views.order_codes_xlsx, name="order-codes-xlsx"),
    path("mypage/orders/<int:order_id>/codes/void/", views.order_code_void, name="order-code-void"),
    path("mypage/orders/<int:order_id>/guide.pdf", views.order_guide_pdf, name="order-guide-pdf"),
    path(
        "mypage/orders/<int:order_id>/issuances/progress/",
        views.order_issuance_progress,
        name="order-issuance-progress",
    ),
    path("mypage/orders/<int:order_id>/exports/", views.order_export_request, name="order-export-request"),
    path(
        "mypage/orders/<int:order_id>/exports/<int:export_id>/file/", views.order_export_file, name="order-export-file"
    ),
]
