"""Routes of the partner API, /api/v1/ (API.md)."""

from django.conf import settings
from django.urls import path

from bizshop.accounts import api as accounts_api
from bizshop.billing import api as billing_api
from bizshop.campaigns import api as campaigns_api
from bizshop.catalog import api as catalog_api
from bizshop.codes import api as codes_api
from bizshop.invoices import api as invoices_api
from bizshop.partners import api as partners_api
from bizshop.webhooks import api as webhooks_api

urlpatterns = [
    path("emoticons/", catalog_api.EmoticonListApi.as_view(), name="emoticon-list"),
    path("emoticons/ranking/", catalog_api.RankingApi.as_view(), name="emoticon-ranking"),
    path("emoticons/<int:pk>/", catalog_api.EmoticonDetailApi.as_view(), name="emoticon-detail"),
    path("orders/", billing_api.OrderListCreateApi.as_view(), name="order-list"),
    path("orders/<int:order_id>/", billing_api.OrderDetailApi.as_view(), name="order-detail"),
    path("orders/<int:order_id>/payment/", billing_api.OrderPaymentApi.as_view(), name="order-payment"),
    path("orders/<int:order_id>/cancel/", billing_api.OrderCancelApi.as_view(), name="order-cancel"),
    path("orders/<int:order_id>/refund/", billing_api.OrderRefundApi.as_view(), name="order-refund"),
    path("orders/<int:order_id>/events/", billing_api.OrderEventListApi.as_view(), name="order-events"),
    path("orders/<int:order_id>/statement.pdf", billing_api.OrderStatementPdfApi.as_view(), name="order-statement"),
    path("orders/<int:order_id>/receipt.pdf", billing_api.OrderReceiptPdfApi.as_view(), name="order-receipt"),
    path("quotes.pdf", billing_api.QuotePdfApi.as_view(), name="quote-pdf"),
    path("orders/<int:order_id>/issuances/", codes_api.IssuanceListCreateApi.as_view(), name="issuance-list"),
    path(
        "orders/<int:order_id>/issuances/<int:issuance_id>/",
        codes_api.IssuanceDetailApi.as_view(),
        name="issuance-detail",
    ),
    path("orders/<int:order_id>/codes/", codes_api.OrderCodeListApi.as_view(), name="order-codes"),
    path("orders/<int:order_id>/codes/void/", codes_api.OrderCodeVoidApi.as_view(), name="order-code-void"),
    path("orders/<int:order_id>/stats/", codes_api.OrderCampaignStatsApi.as_view(), name="order-stats"),
    path("orders/<int:order_id>/exports/", codes_api.CodeExportListCreateApi.as_view(), name="code-export-list"),
    path(
        "orders/<int:order_id>/exports/<int:export_id>/",
        codes_api.CodeExportDetailApi.as_view(),
        name="code-export-detail",
    ),
    path(
        "orders/<int:order_id>/exports/<int:export_id>/file/",
        codes_api.CodeExportFileApi.as_view(),
        name="code-export-file",
    ),
    path("orders/<int:order_id>/guide.pdf", codes_api.OrderGuidePdfApi.as_view(), name="order-guide"),
    path("orders/<int:order_id>/deliveries/", campaigns_api.DeliveryListCreateApi.as_view(), name="delivery-list"),
    path(
        "orders/<int:order_id>/deliveries/<int:send_id>/",
        campaigns_api.DeliveryDetailApi.as_view(),
        name="delivery-detail",
    ),
    path(
        "orders/<int:order_id>/deliveries/<int:send_id>/recipients/",
        campaigns_api.RecipientListApi.as_view(),
        name="delivery-recipients",
    ),
    path(
        "orders/<int:order_id>/deliveries/<int:send_id>/recipients/<int:recipient_id>/resend/",
        campaigns_api.RecipientResendApi.as_view(),
        name="delivery-recipient-resend",
    ),
    path(
        "orders/<int:order_id>/deliveries/<int:send_id>/resend-failed/",
        campaigns_api.DeliveryResendFailedApi.as_view(),
        name="delivery-resend-failed",
    ),
    path("codes/lookup/", codes_api.CodeLookupApi.as_view(), name="code-lookup"),
    path("payments/deposit-notifications/", billing_api.DepositNotificationApi.as_view(), name="deposit-notification"),
    path("auth/token/", accounts_api.ApiTokenApi.as_view(), name="auth-token"),
    path("registrations/", codes_api.RegistrationCreateApi.as_view(), name="registration-create"),
    path("me/emoticons/", codes_api.MyEmoticonListApi.as_view(), name="my-emoticons"),
    path("webhooks/endpoints/", webhooks_api.EndpointListCreateApi.as_view(), name="webhook-endpoint-list"),
    path(
        "webhooks/endpoints/<int:endpoint_id>/",
        webhooks_api.EndpointDetailApi.as_view(),
        name="webhook-endpoint-detail",
    ),
    path("webhooks/deliveries/", webhooks_api.DeliveryListApi.as_view(), name="webhook-delivery-list"),
    path(
        "webhooks/deliveries/<int:delivery_id>/replay/",
        webhooks_api.DeliveryReplayApi.as_view(),
        name="webhook-delivery-replay",
    ),
    path("partner/", partners_api.PartnerProfileApi.as_view(), name="partner-profile"),
    path("partner/withdrawal/", partners_api.PartnerWithdrawalApi.as_view(), name="partner-withdrawal"),
    path("invoices/", invoices_api.InvoiceListApi.as_view(), name="invoice-list"),
    path("invoices/<int:invoice_id>/", invoices_api.InvoiceDetailApi.as_view(), name="invoice-detail"),
    path("invoices/<int:invoice_id>/pdf/", invoices_api.InvoicePdfApi.as_view(), name="invoice-pdf"),
    path(
        "invoice-merge-requests/",
        invoices_api.InvoiceMergeRequestCreateApi.as_view(),
        name="invoice-merge-request-create",
    ),
]
if settings.SANDBOX_PAYMENTS:
    # A shop with a real PG has no sandbox to drive: the route is not there at all (a 404).
    urlpatterns.append(path("sandbox/deposits/", billing_api.SandboxDepositApi.as_view(), name="sandbox-deposit"))
