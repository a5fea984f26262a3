"""Routes of the operators' back office, /backoffice/."""

from django.urls import path

from bizshop.backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("sales/", views.sales_dashboard, name="sales"),
    path("partners/", views.partner_list, name="partner-list"),
    path("partners/<int:partner_id>/orders/", views.partner_orders, name="partner-orders"),
]
