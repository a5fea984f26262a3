"""Portal pages of the catalog."""

from django.urls import path

from bizshop.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("emoticons/<int:emoticon_id>/", views.emoticon_detail, name="emoticon-detail"),
]
