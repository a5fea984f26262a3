"""bizshop: B2B emoticon serial-code shop."""

from bizshop.celery import app as celery_app

__all__ = ["celery_app"]
