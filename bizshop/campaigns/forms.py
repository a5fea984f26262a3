"""코드 보내기 form: the channel, the text with its placeholders, and the list of winners as a file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bizshop.campaigns.models import Channel

DEFAULT_TEMPLATE = _(
    "{name}님, [{title}] 이모티콘 당첨을 축하드립니다!\n"
    "일련번호: {code}\n"
    "{deadline}까지 아래 주소에서 등록해 주세요. 등록한 날부터 {period_days}일 동안 사용할 수 있습니다.\n"
    "{registration_url}"
)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class DeliveryForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("보내는 방법"), choices=Channel.choices, initial=Channel.EMAIL, widget=forms.RadioSelect
    )
    template = forms.CharField(
        label=_("보낼 문구"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 7}),
        initial=DEFAULT_TEMPLATE,
        help_text=_(
            "치환어: {name} 이름, {title} 이모티콘, {code} 일련번호, {period_days} 사용기간(일), "
            "{deadline} 등록기한, {registration_url} 등록 링크"
        ),
    )
    file = forms.FileField(
        label=_("받는 사람 파일 (CSV 또는 XLSX)"),
        help_text=_("첫 행은 머리글: 이름, 이메일, 휴대폰. 한 번에 100,000명까지 보낼 수 있습니다."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("파일이 너무 큽니다 (20MB까지)."))
        return upload
