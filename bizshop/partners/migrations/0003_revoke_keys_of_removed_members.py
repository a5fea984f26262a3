"""Keys made by members removed before member_remove revoked them: revoke them now (issue 15, item 7)."""

from typing import Any

from django.db import migrations
from django.db.models import F
from django.utils import timezone


def revoke_keys_of_removed_members(apps: Any, schema_editor: Any) -> None:
    ApiKey = apps.get_model("partners", "ApiKey")
    AuditEvent = apps.get_model("partners", "AuditEvent")
    now = timezone.now()
    orphaned = ApiKey.objects.filter(revoked_at__isnull=True).exclude(created_by__membership__partner=F("partner"))
    for api_key in orphaned.select_related("created_by"):
        api_key.revoked_at = now
        api_key.save(update_fields=["revoked_at"])
        AuditEvent.objects.create(
            action="api_key_revoked",
            actor=None,
            actor_email="",
            partner_id=api_key.partner_id,
            data={"key": api_key.prefix, "name": api_key.name, "reason": "creator_removed"},
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0002_members_terms_audit")]

    operations = [migrations.RunPython(revoke_keys_of_removed_members, migrations.RunPython.noop)]
