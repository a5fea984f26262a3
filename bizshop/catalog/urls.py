"""Portal pages of the catalog, and its images."""

from django.urls import path

from bizshop.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("emoticons/<int:emoticon_id>/", views.emoticon_detail, name="emoticon-detail"),
    path(
        "emoticons/<int:emoticon_id>/representative.png",
        views.representative_image_download,
        name="representative-image-download",
    ),
    # MEDIA_URL + the storage's names: the URL a FieldFile gives is the one served here.
    path("media/emoticons/<path:name>", views.image, name="image"),
]
