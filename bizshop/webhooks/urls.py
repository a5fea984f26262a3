"""Portal pages of webhooks, under /partners/webhooks/: endpoints, the delivery log, replay."""

from django.urls import path

from bizshop.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoints, name="endpoints"),
    path("<int:endpoint_id>/disable/", views.endpoint_disable, name="endpoint-disable"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:delivery_id>/replay/", views.delivery_replay, name="delivery-replay"),
]
