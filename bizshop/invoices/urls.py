"""마이페이지 › 세금계산서."""

from django.urls import path

from bizshop.invoices import views

app_name = "invoices"
urlpatterns = [
    path("", views.invoice_list, name="invoice-list"),
    path("<int:invoice_id>/pdf/", views.invoice_pdf_download, name="invoice-pdf"),
    path("merge/", views.merge_request, name="merge-request"),
]
