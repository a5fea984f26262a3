"""Payments become tax records of their own: partner and what was sold copied from the order (so
that a withdrawal may delete the order), the refund account of a virtual-account refund."""

from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def copy_from_orders(apps, schema_editor):
    Payment = apps.get_model("billing", "Payment")
    Order = apps.get_model("billing", "Order")
    order = Order.objects.filter(pk=OuterRef("order_id"))
    Payment.objects.update(
        order_number=F("order_id"),
        partner_id=Subquery(order.values("partner_id")[:1]),
        item=Subquery(order.values("emoticon_title")[:1]),
        period_days=Subquery(order.values("period_days")[:1]),
        quantity=Subquery(order.values("quantity")[:1]),
        unit_price=Subquery(order.values("unit_price")[:1]),
        supply_amount=Subquery(order.values("supply_amount")[:1]),
        vat_amount=Subquery(order.values("vat_amount")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_deposit_refunds_and_event_actor"),
        ("partners", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="partner",
            field=models.ForeignKey(
                null=True, on_delete=models.deletion.PROTECT, related_name="payments", to="partners.partner"
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="order_number",
            field=models.PositiveBigIntegerField(default=0, verbose_name="주문번호"),
        ),
        migrations.AddField(
            model_name="payment", name="item", field=models.CharField(default="", max_length=120, verbose_name="품목")
        ),
        migrations.AddField(
            model_name="payment",
            name="period_days",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="사용기간(일)"),
        ),
        migrations.AddField(
            model_name="payment", name="quantity", field=models.PositiveIntegerField(default=0, verbose_name="수량")
        ),
        migrations.AddField(
            model_name="payment", name="unit_price", field=models.PositiveBigIntegerField(default=0, verbose_name="단가")
        ),
        migrations.AddField(
            model_name="payment",
            name="supply_amount",
            field=models.PositiveBigIntegerField(default=0, verbose_name="공급가액"),
        ),
        migrations.AddField(
            model_name="payment", name="vat_amount", field=models.PositiveBigIntegerField(default=0, verbose_name="부가세")
        ),
        migrations.RunPython(copy_from_orders, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="payment",
            name="partner",
            field=models.ForeignKey(
                on_delete=models.deletion.PROTECT, related_name="payments", to="partners.partner"
            ),
        ),
        migrations.AlterField(
            model_name="payment", name="order_number", field=models.PositiveBigIntegerField(verbose_name="주문번호")
        ),
        migrations.AlterField(
            model_name="payment", name="item", field=models.CharField(max_length=120, verbose_name="품목")
        ),
        migrations.AlterField(
            model_name="payment", name="period_days", field=models.PositiveSmallIntegerField(verbose_name="사용기간(일)")
        ),
        migrations.AlterField(
            model_name="payment", name="quantity", field=models.PositiveIntegerField(verbose_name="수량")
        ),
        migrations.AlterField(
            model_name="payment", name="unit_price", field=models.PositiveBigIntegerField(verbose_name="단가")
        ),
        migrations.AlterField(
            model_name="payment", name="supply_amount", field=models.PositiveBigIntegerField(verbose_name="공급가액")
        ),
        migrations.AlterField(
            model_name="payment", name="vat_amount", field=models.PositiveBigIntegerField(verbose_name="부가세")
        ),
        migrations.AlterField(
            model_name="payment",
            name="order",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="payments",
                to="billing.order",
            ),
        ),
        migrations.AddField(
            model_name="payment",
            name="refund_bank",
            field=models.CharField(blank=True, max_length=3, verbose_name="환불 은행"),
        ),
        migrations.AddField(
            model_name="payment",
            name="refund_account_number",
            field=models.CharField(blank=True, max_length=20, verbose_name="환불 계좌번호"),
        ),
        migrations.AddField(
            model_name="payment",
            name="refund_account_holder",
            field=models.CharField(blank=True, max_length=50, verbose_name="환불 예금주"),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["partner", "-approved_at"], name="billing_payment_partner_recent"),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["approved_at"], name="billing_payment_approved_at"),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(amount=models.F("supply_amount") + models.F("vat_amount")),
                name="billing_payment_amount_is_supply_plus_vat",
            ),
        ),
    ]
