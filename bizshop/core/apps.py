"""What every app shares."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bizshop.core"
    label = "core"
