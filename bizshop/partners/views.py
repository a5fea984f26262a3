"""Portal pages of partners: sign-up, 파트너정보, members and invitations, API keys, 탈퇴.

Only owners manage members, keys, partner info and withdrawal: a member gets a refusal page
(403, ``owner_required``). Another partner's member, key or invitation is a 404, as in the API.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bizshop.accounts.navigation import after_sign_in
from bizshop.accounts.policies import policies_in_force
from bizshop.core.errors import ApplicationError
from bizshop.core.http import client_ip
from bizshop.core.portal import run_action, show_error
from bizshop.partners import errors, selectors, services
from bizshop.partners.forms import (
    ApiKeyForm,
    InvitationAcceptForm,
    InviteForm,
    PartnerInfoForm,
    PartnerSignupForm,
    RoleForm,
    WithdrawalForm,
)
from bizshop.partners.models import Member, Partner
from bizshop.partners.portal import forbidden, member_required, owner_required
from bizshop.partners.withdrawal import withdrawal_orders

SIGNUP_ERROR_FIELDS = {
    "invalid_business_registration_number": "business_registration_number",
    "business_registration_number_taken": "business_registration_number",
    "invalid_email": "email",  # the invoice address is checked by the form's EmailField first
    "email_taken": "email",
    "weak_password": "password1",
    "terms_not_agreed": "agree_terms",
    "policies_not_accepted": "agree_privacy",  # the terms are refused above with their own code
}


# --- sign-up ---------------------------------------------------------------------------------


def signup(request: HttpRequest) -> HttpResponse:
    """파트너 가입: the company and its first member, who becomes its owner."""
    if selectors.membership_for_user(user=request.user) is not None:  # type: ignore[arg-type]
        return redirect("partners:info")
    form = PartnerSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner = services.partner_signup(
                name=data["name"],
                business_registration_number=data["business_registration_number"],
                representative=data["representative"],
                address=data["address"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                invoice_email=data["invoice_email"],
                owner_email=data["email"],
                owner_password=data["password1"],
                terms_agreed=data["agree_terms"],
                privacy_agreed=data["agree_privacy"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            field = SIGNUP_ERROR_FIELDS.get(exc.code)
            show_error(form, field, exc)
        else:
            owner = partner.members.get().user
            login(request, owner, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("파트너 가입이 완료되었습니다. 환영합니다!"))
            return redirect("partners:info")
    in_force = {policy.document: policy for policy in policies_in_force()}
    return render(request, "partners/signup.html", {"form": form, "policies": in_force})


# --- 파트너정보 ------------------------------------------------------------------------------


@member_required
def info(request: HttpRequest, membership: Member) -> HttpResponse:
    partner = membership.partner
    is_owner = membership.role == Member.Role.OWNER
    initial = {name: getattr(partner, name) for name in services.EDITABLE_FIELDS}
    form = PartnerInfoForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not is_owner:
            return forbidden(request, errors.OWNER_REQUIRED())
        if form.is_valid():
            try:
                services.partner_update(
                    partner=partner, user=membership.user, ip=client_ip(request), **form.cleaned_data
                )
            except ApplicationError as exc:
                show_error(form, None, exc)
            else:
                messages.success(request, _("파트너정보가 저장되었습니다."))
                return redirect("partners:info")
    context = {
        "partner": partner,
        "membership": membership,
        "is_owner": is_owner,
        "form": form,
        "changes": selectors.partner_change_list(partner=partner)[:50],
        "field_labels": {name: PartnerInfoForm.base_fields[name].label for name in services.EDITABLE_FIELDS},
    }
    return render(request, "partners/info.html", context)


# --- members and invitations -----------------------------------------------------------------


@owner_required
def members(request: HttpRequest, membership: Member) -> HttpResponse:
    partner = membership.partner
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_invite(
                partner=partner,
                user=membership.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            show_error(form, "email", exc)
        else:
            messages.success(
                request, _("%(email)s 님께 초대 메일을 보냈습니다.") % {"email": form.cleaned_data["email"]}
            )
            return redirect("partners:members")
    context = {
        "membership": membership,
        "members": selectors.member_list(partner=partner),
        "invitations": selectors.invitation_open_list(partner=partner),
        "form": form,
        "roles": Member.Role.choices,
    }
    return render(request, "partners/members.html", context)


@require_POST
@owner_required
def member_role(request: HttpRequest, membership: Member, member_id: int) -> HttpResponse:
    form = RoleForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    run_action(
        request,
        lambda: services.member_set_role(
            partner=membership.partner, user=membership.user, member_id=member_id, role=role, ip=client_ip(request)
        ),
        _("권한을 변경했습니다."),
    )
    return redirect("partners:members")


@owner_required
def member_remove(request: HttpRequest, membership: Member, member_id: int) -> HttpResponse:
    """GET: the confirm step, naming the API keys the member made (removal revokes them); POST: remove."""
    if request.method != "POST":
        target = Member.objects.select_related("user").filter(pk=member_id, partner=membership.partner).first()
        if target is None:
            raise Http404(str(errors.MEMBER_NOT_FOUND().message))
        context = {
            "target": target,
            "keys": selectors.api_key_live_list_made_by(partner=membership.partner, user=target.user),
        }
        return render(request, "partners/member_remove.html", context)
    run_action(
        request,
        lambda: services.member_remove(
            partner=membership.partner, user=membership.user, member_id=member_id, ip=client_ip(request)
        ),
        _("멤버를 삭제했습니다."),
    )
    if not Member.objects.filter(pk=membership.pk).exists():  # the owner removed themselves
        logout(request)
        return redirect("catalog:home")
    return redirect("partners:members")


@require_POST
@owner_required
def invitation_revoke(request: HttpRequest, membership: Member, invitation_id: int) -> HttpResponse:
    run_action(
        request,
        lambda: services.invitation_revoke(
            partner=membership.partner, user=membership.user, invitation_id=invitation_id, ip=client_ip(request)
        ),
        _("초대를 취소했습니다."),
    )
    return redirect("partners:members")


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee's link: set a password and join (public: the token is the credential)."""
    try:
        invitation = services.invitation_get(raw_token=token)
    except ApplicationError as exc:
        return render(request, "partners/invitation_invalid.html", {"error": exc}, status=404)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.invitation_accept(
                raw_token=token,
                password=form.cleaned_data["password1"],
                name=form.cleaned_data["name"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            if exc.code == "invitation_invalid":
                return render(request, "partners/invitation_invalid.html", {"error": exc}, status=404)
            show_error(form, "password1" if exc.code == "weak_password" else None, exc)
        else:
            login(request, member.user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("%(company)s 멤버로 가입되었습니다.") % {"company": member.partner.name})
            # A new member agrees to the policies in force before anything else, as at sign-in.
            return redirect(after_sign_in(request, user=member.user, target=reverse("partners:info")))
    return render(request, "partners/invitation_accept.html", {"form": form, "invitation": invitation})


# --- API keys --------------------------------------------------------------------------------


@owner_required
def api_keys(request: HttpRequest, membership: Member) -> HttpResponse:
    partner = membership.partner
    form = ApiKeyForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.api_key_create(
                user=membership.user,
                partner=partner,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                ip=client_ip(request),
            )
        except ApplicationError as exc:
            show_error(form, None, exc)
        else:
            form = ApiKeyForm()
    context = {"issued": issued, "form": form, "keys": selectors.api_key_list(partner=partner)}
    response = render(request, "partners/api_keys.html", context)
    # The raw key is in this page once: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@owner_required
def api_key_revoke(request: HttpRequest, membership: Member, key_id: int) -> HttpResponse:
    run_action(
        request,
        lambda: services.api_key_revoke_for_partner(
            partner=membership.partner, user=membership.user, key_id=key_id, ip=client_ip(request)
        ),
        _("API 키를 폐기했습니다. 이 키로 보내는 요청은 즉시 거절됩니다."),
    )
    return redirect("partners:api-keys")


# --- 탈퇴 -----------------------------------------------------------------------------------


def _reasons_shown(partner: Partner, reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each blocking reason in plain Korean, with the orders concerned (their quantities and amounts)."""
    order_ids = {order_id for reason in reasons for order_id in reason["order_ids"]}
    orders = withdrawal_orders(partner, order_ids)
    return [
        {
            "code": r["code"],
            "message": errors.WITHDRAWAL_BLOCKER_MESSAGES[r["code"]],
            "orders": [orders[order_id] for order_id in r["order_ids"] if order_id in orders],
        }
        for r in reasons
    ]


@owner_required
def withdrawal(request: HttpRequest, membership: Member) -> HttpResponse:
    partner = membership.partner
    form = WithdrawalForm(request.POST or None)
    reasons = selectors.partner_withdrawal_blockers(partner=partner)
    if request.method == "POST" and form.is_valid():
        try:
            services.partner_withdraw(
                partner=partner, user=membership.user, password=form.cleaned_data["password"], ip=client_ip(request)
            )
        except ApplicationError as exc:
            if exc.code == "withdrawal_blocked":
                reasons = exc.details["reasons"]
                messages.error(request, str(exc.message))
            else:
                form.add_error("password" if exc.code == "invalid_password" else None, str(exc.message))
        else:
            logout(request)
            messages.success(request, _("탈퇴가 완료되었습니다. 그동안 이용해 주셔서 감사합니다."))
            return redirect("catalog:home")
    context = {"partner": partner, "form": form, "reasons": _reasons_shown(partner, reasons)}
    return render(request, "partners/withdrawal.html", context)
