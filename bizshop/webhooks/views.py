"""Portal pages of webhooks: register and disable endpoints (the secret shown once), read the
delivery log and send a delivery again. Owners only, like API keys; the same services as the API."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bizshop.core.errors import ApplicationError
from bizshop.core.http import query_id
from bizshop.core.portal import run_action
from bizshop.partners.models import Member
from bizshop.partners.portal import owner_required
from bizshop.webhooks import selectors, services
from bizshop.webhooks.forms import WebhookEndpointForm

DELIVERIES_PER_PAGE = 50


@owner_required
def endpoints(request: HttpRequest, membership: Member) -> HttpResponse:
    partner = membership.partner
    form = WebhookEndpointForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.endpoint_create(
                partner=partner, url=form.cleaned_data["url"], events=form.cleaned_data["events"]
            )
        except ApplicationError as exc:
            form.add_error("events" if exc.code == "invalid_webhook_events" else "url", str(exc.message))
        else:
            form = WebhookEndpointForm()
    context = {"form": form, "created": created, "endpoints": selectors.endpoint_list_for_partner(partner=partner)}
    response = render(request, "webhooks/endpoints.html", context)
    # The signing secret is in this page once: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@owner_required
def endpoint_disable(request: HttpRequest, membership: Member, endpoint_id: int) -> HttpResponse:
    run_action(
        request,
        lambda: services.endpoint_disable(partner=membership.partner, endpoint_id=endpoint_id),
        _("웹훅 엔드포인트를 사용 중지했습니다. 이제 이 주소로는 이벤트를 보내지 않습니다."),
    )
    return redirect("webhooks:endpoints")


@owner_required
def deliveries(request: HttpRequest, membership: Member) -> HttpResponse:
    partner = membership.partner
    chosen = query_id(request.GET.get("endpoint"))
    listed = selectors.delivery_list_for_partner(partner=partner, endpoint_id=chosen)
    page = Paginator(listed, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "endpoints": selectors.endpoint_list_for_partner(partner=partner),
        "chosen_endpoint": chosen,
    }
    return render(request, "webhooks/deliveries.html", context)


@require_POST
@owner_required
def delivery_replay(request: HttpRequest, membership: Member, delivery_id: int) -> HttpResponse:
    run_action(
        request,
        lambda: services.delivery_replay(partner=membership.partner, delivery_id=delivery_id),
        _("웹훅을 다시 보냅니다. 결과는 잠시 뒤 이 목록에 표시됩니다."),
    )
    return redirect("webhooks:deliveries")
