"""Emoticons, their prices per usage period, and the TOP10 ranking."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "bizshop.catalog"
    label = "catalog"
    verbose_name = "상품"
