"""Indexes on billing's tables for the ranking refresh, and a first price-history row per existing price.

The indexes live here, not in billing/models.py: the ranking is the catalog's read of
billing's tables. Both are partial, so they cost nothing for the orders and events they leave out:

- catalog_order_sales_by_paid_at: counted orders (paid, partially_issued, issued) by paid_at,
  carrying emoticon_id, quantity, supply_amount and total_amount, so the per-day aggregation
  is an index-only scan of a paid_at range and never reads the order table's rows.
- catalog_orderevent_sales_changes: payment and refund events by time, so the incremental
  refresh finds the orders whose day changed since its last run without scanning the log.

Plain CREATE INDEX (not CONCURRENTLY: migrations run in a transaction); on a large live
table build it beforehand with CREATE INDEX CONCURRENTLY under the same name, and this
IF NOT EXISTS becomes a no-op. PostgreSQL only: the embedded SQLite default has no INCLUDE
and no data worth indexing.
"""

from typing import Any

from django.db import migrations


class PostgresRunSQL(migrations.RunSQL):
    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def backfill_price_history(apps: Any, schema_editor: Any) -> None:
    from django.utils import timezone

    price_model = apps.get_model("catalog", "EmoticonPrice")
    history_model = apps.get_model("catalog", "EmoticonPriceHistory")
    now = timezone.now()
    history_model.objects.bulk_create(
        history_model(
            emoticon_id=price.emoticon_id, period_days=price.period_days, unit_price=price.unit_price, changed_at=now
        )
        for price in price_model.objects.all()
    )


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0002_images_price_history_sales_daily"),
        ("billing", "0001_initial"),
    ]

    operations = [
        PostgresRunSQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS catalog_order_sales_by_paid_at ON billing_order (paid_at) "
                "INCLUDE (emoticon_id, quantity, supply_amount, total_amount) "
                "WHERE status IN ('paid', 'partially_issued', 'issued')"
            ),
            reverse_sql="DROP INDEX IF EXISTS catalog_order_sales_by_paid_at",
        ),
        PostgresRunSQL(
            sql=(
                "CREATE INDEX IF NOT EXISTS catalog_orderevent_sales_changes ON billing_orderevent (created_at) "
                "INCLUDE (order_id) "
                "WHERE kind IN ('payment_approved', 'deposit_received', 'refund_requested')"
            ),
            reverse_sql="DROP INDEX IF EXISTS catalog_orderevent_sales_changes",
        ),
        migrations.RunPython(backfill_price_history, migrations.RunPython.noop),
    ]
