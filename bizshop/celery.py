"""Celery application; tasks run in-process when no REDIS_URL is configured."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bizshop.settings")

app = Celery("bizshop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
