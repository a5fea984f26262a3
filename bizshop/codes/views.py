"""Public pages of end users: 일련번호 등록 (/register/) and 내 이모티콘 (/me/emoticons/)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from bizshop.accounts.models import User
from bizshop.accounts.services import API_TOKEN_PREFIX, api_token_authenticate
from bizshop.billing.models import Order
from bizshop.billing.selectors import order_get_for_partner
from bizshop.catalog.images import CONTENT_TYPES, image_storage
from bizshop.codes import export, guide, selectors, services, stickers
from bizshop.codes.api import code_replacement_data
from bizshop.codes.forms import CodeVoidForm, RegisterForm
from bizshop.codes.models import CodeExport, Registration
from bizshop.core.errors import ApplicationError
from bizshop.core.http import client_ip, query_id
from bizshop.partners.models import Partner
from bizshop.partners.portal import partner_member_required

SECONDS_PER_DAY = 24 * 60 * 60


def register(request: HttpRequest) -> HttpResponse:
    """일련번호 등록, open to visitors: a code link (``/register/#code=…``) fills the form by script,
    and a visitor signs up or in first, the code kept in the browser (static/bizshop/register.js)."""
    if not request.user.is_authenticated:
        if request.method == "POST":  # no script ran: the code stayed in the body, nowhere else
            return redirect_to_login(reverse("codes:register"))
        return render(request, "codes/register.html", {"form": RegisterForm(), "visitor": True})
    registrations = selectors.registration_list_for_user(user=request.user)  # type: ignore[arg-type]
    retry_after = None
    if request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            try:
                registration = services.code_register(
                    user=request.user,  # type: ignore[arg-type]
                    raw_code=form.cleaned_data["code"],
                    client_ip=client_ip(request),
                )
            except ApplicationError as exc:
                form.add_error("code", str(exc.message))
                retry_after = exc.details.get("retry_after") if exc.status == 429 else None
            else:
                # Post/redirect/get: reloading the result page must not submit the code a second time.
                return redirect(f"{reverse('codes:register')}?registered={registration.pk}")
    else:
        form = RegisterForm()
    registered = None
    if (registered_id := query_id(request.GET.get("registered"))) is not None:
        registered = registrations.filter(pk=registered_id).first()
    response = render(request, "codes/register.html", {"form": form, "registered": registered})
    if retry_after:  # throttled: the page says so, and the status and header say it to programs
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
    return response


@require_POST
@login_required
def register_preview(request: HttpRequest) -> JsonResponse:
    """Which emoticon the code in the form is for (the page asks on a code link); the code comes
    in the body, never in the URL."""
    try:
        code = services.code_preview(
            user=request.user,  # type: ignore[arg-type]
            raw_code=str(request.POST.get("code", "")),
            client_ip=client_ip(request),
        )
    except ApplicationError as exc:
        response = JsonResponse({"error": {"code": exc.code, "message": str(exc.message)}}, status=exc.status)
        if exc.status == 429:
            response["Retry-After"] = str(exc.details.get("retry_after", ""))
    else:
        response = JsonResponse({"title": code.order.emoticon.title, "period_days": code.order.period_days})
    response["Cache-Control"] = "no-store"
    return response


def _days_left(registration: Registration, now: datetime) -> int:
    """Whole days of use left, counting a started day as a day (0 once the period is over)."""
    seconds = (registration.usage_expires_at - now).total_seconds()
    return max(0, math.ceil(seconds / SECONDS_PER_DAY))


@dataclass(frozen=True)
class MySet:
    """One registered set as 내 이모티콘 shows it, its sentences made here: as {% blocktranslate %} nodes
    (four a set, each localizing its numbers) they were most of the page's time at 20 sets."""

    registration: Registration
    expired: bool
    registered_label: str
    days_left_label: str
    until_label: str
    count_label: str
    stickers: list[stickers.SignedSticker]


def _my_set(
    registration: Registration, count: int, now: datetime, *, opened: list[selectors.StickerRow] | None
) -> MySet:
    """``opened``: the set's stickers when this set's grid is shown (one set a page), else None."""
    expired = registration.usage_expires_at <= now
    days_left = _days_left(registration, now)
    registered_at = timezone.localtime(registration.registered_at)
    return MySet(
        registration=registration,
        expired=expired,
        registered_label=_("%(date)s 등록 · %(days)s일권")
        % {"date": registered_at.strftime("%Y-%m-%d"), "days": registration.period_days},
        days_left_label=ngettext("%(count)s일 남음", "%(count)s일 남음", days_left) % {"count": days_left},
        until_label=_("%(date)s까지")
        % {"date": timezone.localtime(registration.usage_expires_at).strftime("%Y-%m-%d %H:%M")},
        count_label=(
            ngettext(
                "사용기간이 끝나 스티커 %(count)s개를 더 이상 쓸 수 없습니다.",
                "사용기간이 끝나 스티커 %(count)s개를 더 이상 쓸 수 없습니다.",
                count,
            )
            if expired
            else ngettext("스티커 %(count)s개", "스티커 %(count)s개", count)
        )
        % {"count": count},
        # Only the opened set's grid is on the page (the others are a link that opens theirs): 20 sets of
        # 32 stickers would be 640 signed images, most of the page's time and weight on a phone.
        stickers=(
            stickers.signed_stickers(registration=registration, stickers=opened, now=now.timestamp())
            if opened is not None
            else []
        ),
    )


@login_required
def my_emoticons(request: HttpRequest) -> HttpResponse:
    """내 이모티콘: each registered set with its days left; the opened one (``?open=<registration id>``, else
    the newest set in use) with its stickers as a grid of signed images, the others with a link to theirs."""
    now = timezone.now()
    registrations = list(
        selectors.registration_list_for_user(user=request.user).only(  # type: ignore[arg-type]
            *("pk", "user_id", "emoticon_id", "period_days", "registered_at", "usage_expires_at"),
            *("emoticon__title", "emoticon__representative_thumbnail"),
        )
    )
    counts = selectors.sticker_counts_for_emoticons(emoticon_ids=[r.emoticon_id for r in registrations])
    opened = query_id(request.GET.get("open"))
    if opened is None:
        opened = next((r.pk for r in registrations if r.usage_expires_at > now), None)
    opened_emoticon = next((r.emoticon_id for r in registrations if r.pk == opened), None)
    rows = selectors.sticker_rows_for_emoticons(emoticon_ids=[opened_emoticon] if opened_emoticon else [])
    sets = [
        _my_set(
            registration,
            counts.get(registration.emoticon_id, 0),
            now,
            opened=rows.get(registration.emoticon_id, []) if registration.pk == opened else None,
        )
        for registration in registrations
    ]
    response = render(request, "codes/my_emoticons.html", {"registrations": sets, "opened": opened})
    response["Cache-Control"] = "private, no-store"  # the signed URLs are the user's own
    return response


def my_sticker(request: HttpRequest, registration_id: int, sticker_id: int, variant: str) -> HttpResponseBase:
    """One sticker image of the user's set, through a signed URL (stickers.py); ``download=1`` saves it.

    The signature binds the URL to the user signed in (session, or an end-user API token for apps), so
    a shared link opens for nobody else, and stops working within minutes for its owner too."""
    user = _sticker_requester(request)
    try:
        sticker_file = stickers.sticker_file_authorize(
            user_id=user.pk if user is not None else None,
            registration_id=registration_id,
            sticker_id=sticker_id,
            variant=variant,
            expires=str(request.GET.get("expires", "")),
            signature=str(request.GET.get("signature", "")),
        )
    except ApplicationError as exc:
        refused = JsonResponse({"error": {"code": exc.code, "message": str(exc.message)}}, status=exc.status)
        refused["Cache-Control"] = "no-store"
        return refused
    extension = sticker_file.name.rsplit(".", 1)[1]
    try:
        handle = image_storage().open(sticker_file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=CONTENT_TYPES[extension])
    if request.GET.get("download") == "1":
        filename = f"{sticker_file.title}-{sticker_file.position + 1:02d}.{extension}"  # positions count from 0
        response["Content-Disposition"] = (
            f"attachment; filename=\"sticker-{sticker_id}.{extension}\"; filename*=UTF-8''{quote(filename)}"
        )
    # The browser may keep it while the URL lives; no shared cache may keep it at all.
    max_age = max(0, int(request.GET["expires"]) - int(time.time()))
    response["Cache-Control"] = f"private, max-age={max_age}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _sticker_requester(request: HttpRequest) -> User | None:
    if request.user.is_authenticated:
        return request.user  # type: ignore[return-value]
    header = request.headers.get("Authorization", "").split()
    if len(header) == 2 and header[0].lower() == "bearer" and header[1].startswith(API_TOKEN_PREFIX):
        token = api_token_authenticate(raw_token=header[1])
        return token.user if token is not None else None
    return None


# 마이페이지 hand-over of an order's codes: the same exports and guide as the API.


@partner_member_required
def order_codes_csv(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponseBase:
    order = _own_order(partner, order_id)
    response = StreamingHttpResponse(export.csv_stream(order=order), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bizshop-order-{order.pk}-codes.csv"'
    return response


@partner_member_required
def order_codes_xlsx(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponseBase:
    order = _own_order(partner, order_id)
    if order.issued_quantity > export.xlsx_direct_limit():
        messages.info(request, _("일련번호가 많아 엑셀 파일은 따로 만들어 드립니다. [엑셀 파일 만들기]를 눌러 주세요."))
        return redirect("billing:order-detail", order.pk)
    return FileResponse(
        export.xlsx_file(order=order),
        as_attachment=True,
        filename=f"bizshop-order-{order.pk}-codes.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_POST
@partner_member_required
def order_export_request(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponse:
    order = _own_order(partner, order_id)
    try:
        services.code_export_request(order_id=order.pk, partner=partner, file_format=request.POST.get("format", ""))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request, _("파일을 만들고 있습니다. 준비되면 이 페이지의 '일련번호 파일'에서 받을 수 있습니다.")
        )
    return redirect("billing:order-detail", order.pk)


@partner_member_required
def order_export_file(request: HttpRequest, partner: Partner, order_id: int, export_id: int) -> HttpResponseBase:
    order = _own_order(partner, order_id)
    code_export = selectors.code_export_list_for_order(order=order).filter(pk=export_id).first()
    if code_export is None or code_export.status != CodeExport.Status.READY:
        raise Http404(_("파일을 찾을 수 없습니다."))
    content = services.code_export_download(code_export=code_export, user=request.user, ip=client_ip(request) or "")  # type: ignore[arg-type]
    return export.file_response(code_export, content)


@partner_member_required
def order_issuance_progress(request: HttpRequest, partner: Partner, order_id: int) -> JsonResponse:
    """The order page polls this while a tranche is being created, to move its progress bars."""
    order = _own_order(partner, order_id)
    issuances = [
        {
            "id": issuance.pk,
            "quantity": issuance.quantity,
            "issued_count": issuance.issued_count,
            "status": issuance.status,
            "status_display": issuance.get_status_display(),
            "finished": selectors.issuance_is_finished(issuance),
        }
        for issuance in selectors.issuance_list_for_order(order=order)
    ]
    response = JsonResponse({"issuances": issuances, "finished": all(row["finished"] for row in issuances)})
    response["Cache-Control"] = "no-store"
    return response


@partner_member_required
def order_code_void(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponse:
    """잘못 보낸 코드 교체: the order page's form posts here; the answer shows the replacement once.

    Rendered rather than redirected: the new code would otherwise travel through the session or a
    URL. The page is not stored by the browser (no-store); the code is in the order's list after.
    """
    order = _own_order(partner, order_id)
    replaced = None
    if request.method == "POST":
        form = CodeVoidForm(request.POST)
        if form.is_valid():
            try:
                result = services.code_void_and_replace(
                    order_id=order.pk,
                    partner=partner,
                    code=form.cleaned_data["code"],
                    actor=request.user,  # type: ignore[arg-type]
                )
            except ApplicationError as exc:
                form.add_error("code", str(exc.message))
            else:
                replaced = code_replacement_data(result)
                form = CodeVoidForm()
    else:
        form = CodeVoidForm()
    response = render(
        request,
        "codes/code_void.html",
        {"order": order, "form": form, "replaced": replaced},
        status=200 if replaced or not form.errors else 422,
    )
    response["Cache-Control"] = "no-store"
    return response


@partner_member_required
def order_guide_pdf(request: HttpRequest, partner: Partner, order_id: int) -> HttpResponse:
    order = _own_order(partner, order_id)
    response = HttpResponse(guide.guide_pdf(order=order), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bizshop-order-{order.pk}-guide.pdf"'
    return response


def _own_order(partner: Partner, order_id: int) -> Order:
    try:
        return order_get_for_partner(partner=partner, order_id=order_id)
    except ApplicationError as exc:
        raise Http404(str(exc.message)) from exc
