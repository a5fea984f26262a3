"""gunicorn settings for the web tier (scripts/serve.sh and bench/register_load.py use this file).

gthread workers: each process serves ``WEB_THREADS`` requests at once and keeps connections alive
(browsers and partner systems reuse them). The app is loaded once in the master and its objects
frozen out of the garbage collector before forking: a full collection then scans only what the
requests made (the ~150,000 objects of Django, DRF and WeasyPrint took about 60 ms per pass, a
stall for every thread of the worker), and the workers share those pages copy-on-write.
"""

from __future__ import annotations

import gc
import os
from typing import Any

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS", "3"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 30
preload_app = True


def when_ready(server: Any) -> None:
    from django.db import connections

    # Django and redis-py connect on first use, so each worker opens its own after the fork;
    # closing here makes sure no connection made while loading is shared by the workers.
    connections.close_all()
    gc.freeze()


# No control socket: by default every gunicorn of the machine would share ~/.gunicorn/gunicorn.ctl,
# and the control interface is nothing this deployment uses.
control_socket_disable = True

# Access and error lines as JSON, with the request id the app answered in X-Request-ID (the same id
# its own log lines and the Celery tasks it started carry). Written to stdout like the rest.
accesslog = None  # logging goes through logconfig_dict below
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "bizshop.core.observability.JsonFormatter"}},
    # gunicorn merges this over its defaults, whose root logger names "console": so it is defined here.
    "handlers": {
        "json_stdout": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["json_stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["json_stdout"], "level": "INFO", "propagate": False},
    },
}
