"""The demo shop: ``manage.py seed_demo`` fills a fresh database with a catalog, a partner and an end user."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bizshop.demo"
    label = "demo"
