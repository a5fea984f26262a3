"""Routes of the customer center, /support/."""

from django.urls import path

from bizshop.support import views

app_name = "support"
urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice-detail"),
    path("inquiries/", views.inquiry_list, name="inquiry-list"),
    path("inquiries/new/", views.inquiry_create, name="inquiry-create"),
    path("inquiries/<int:inquiry_id>/", views.inquiry_detail, name="inquiry-detail"),
    path("inquiries/<int:inquiry_id>/close/", views.inquiry_close, name="inquiry-close"),
    path(
        "inquiries/<int:inquiry_id>/attachments/<int:attachment_id>/",
        views.inquiry_attachment,
        name="inquiry-attachment",
    ),
]
