"""The audit log leaves partners for its own app: the model moves, the table and its rows stay.

Only Django's idea of the model changes (state); the database keeps ``partners_auditevent``
(``db_table``) with every row, and the model's content type is renamed so the operators'
view permission (and its group grants) follow it.
"""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_to(app_label: str, other: str) -> Any:
    def move(apps: Any, schema_editor: Any) -> None:
        ContentType = apps.get_model("contenttypes", "ContentType")
        if not ContentType.objects.filter(app_label=app_label, model="auditevent").exists():
            ContentType.objects.filter(app_label=other, model="auditevent").update(app_label=app_label)

    return move


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("partners", "0003_revoke_keys_of_removed_members"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
            migrations.CreateModel(
                name='AuditEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('actor_email', models.CharField(blank=True, max_length=254)),
                    ('action', models.CharField(choices=[('login', '로그인'), ('login_failed', '로그인 실패'), ('login_throttled', '로그인 시도 제한'), ('password_reset', '비밀번호 재설정'), ('partner_signup', '파트너 가입'), ('partner_updated', '파트너정보 변경'), ('api_key_created', 'API 키 생성'), ('api_key_revoked', 'API 키 폐기'), ('member_invited', '멤버 초대'), ('invitation_revoked', '초대 취소'), ('member_joined', '멤버 가입'), ('member_role_changed', '멤버 권한 변경'), ('member_removed', '멤버 삭제'), ('withdrawal_refused', '탈퇴 거절'), ('withdrawn', '탈퇴')], max_length=32)),
                    ('ip', models.CharField(blank=True, max_length=45)),
                    ('data', models.JSONField(blank=True, default=dict)),
                    ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                    ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('partner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='partners.partner')),
                ],
                options={
                    'verbose_name': '감사 로그',
                    'verbose_name_plural': '감사 로그',
                    'db_table': 'partners_auditevent',
                    'ordering': ['-id'],
                    'indexes': [models.Index(fields=['partner', '-id'], name='partners_audit_partner_recent')],
                },
            ),
            ],
        ),
        migrations.RunPython(content_type_to("audit", "partners"), content_type_to("partners", "audit")),
    ]
