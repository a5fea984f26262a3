"""Webhook secrets and delivery payloads encrypted at rest with the code keyring (issue 15, item 14).

The new columns are added, every existing secret and payload is encrypted into them, then the
plaintext columns are dropped. Not reversible: the plaintext is not written back.
"""

import json
from typing import Any

from django.db import migrations, models

from bizshop.webhooks import crypto

BATCH = 1_000


def encrypt_existing(apps: Any, schema_editor: Any) -> None:
    WebhookEndpoint = apps.get_model("webhooks", "WebhookEndpoint")
    WebhookDelivery = apps.get_model("webhooks", "WebhookDelivery")
    endpoints = list(WebhookEndpoint.objects.only("id", "secret"))
    for endpoint in endpoints:
        endpoint.secret_key_id, endpoint.secret_ciphertext = crypto.seal(endpoint.secret, purpose=crypto.SECRET)
    WebhookEndpoint.objects.bulk_update(endpoints, ["secret_key_id", "secret_ciphertext"], batch_size=BATCH)
    last_id = 0
    while True:
        batch = list(WebhookDelivery.objects.filter(id__gt=last_id).order_by("id").only("id", "payload")[:BATCH])
        if not batch:
            return
        for delivery in batch:
            text = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
            delivery.payload_key_id, delivery.payload_ciphertext = crypto.seal(text, purpose=crypto.PAYLOAD)
        WebhookDelivery.objects.bulk_update(batch, ["payload_key_id", "payload_ciphertext"])
        last_id = batch[-1].id


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="webhookendpoint",
            name="secret_key_id",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="webhookendpoint",
            name="secret_ciphertext",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="webhookdelivery",
            name="payload_key_id",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name="webhookdelivery",
            name="payload_ciphertext",
            field=models.BinaryField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="webhookdelivery",
            name="payload_purged_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(encrypt_existing),
        migrations.RemoveField(model_name="webhookendpoint", name="secret"),
        migrations.RemoveField(model_name="webhookdelivery", name="payload"),
    ]
