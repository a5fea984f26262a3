"""Django settings, driven by the environment.

With no DATABASE_URL / REDIS_URL the shop runs on the embedded default: a SQLite file and
generated secrets under var/, Celery tasks run in-process. With them set it uses
PostgreSQL, Redis as cache and Celery broker, and a real worker.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext
import environ  # type: ignore[import-untyped]
from celery.schedules import crontab
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from bizshop.core import local_secrets

django_stubs_ext.monkeypatch()  # lets admin and other generics take type parameters at run time

BASE_DIR = Path(__file__).resolve().parent.parent
# Every setting below is read from the environment through django-environ, and every name it reads
# is listed in .env.example (a test holds them together). A .env file beside manage.py, if there is
# one, fills what the environment leaves unset.
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")
VAR_DIR = Path(env.str("BIZSHOP_VAR_DIR", default=str(BASE_DIR / "var")))


def env_bool(name: str, default: bool) -> bool:
    return bool(env.bool(name, default=default))


DATABASE_URL = env.str("DATABASE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")
PRODUCTION = env_bool("PRODUCTION", False)
# Production starts only with what it cannot guess: one message names everything missing.
_PRODUCTION_NEEDS = (
    "SECRET_KEY",
    "CODE_ENCRYPTION_KEYS",
    "CODE_LOOKUP_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "SITE_URL",
)
if PRODUCTION and (_missing := [name for name in _PRODUCTION_NEEDS if not env.str(name, default="").strip()]):
    raise ImproperlyConfigured(
        f"PRODUCTION=1 needs {', '.join(_missing)} in the environment (every setting: .env.example; "
        "the code keys: README, Code keys)"
    )
EMBEDDED = not DATABASE_URL
SQLITE_FILE = VAR_DIR / "db.sqlite3"

_needs_local = not all(env.str(name, default="") for name in ("SECRET_KEY", "CODE_ENCRYPTION_KEYS", "CODE_LOOKUP_KEY"))
_local = local_secrets.load_or_create(VAR_DIR, database_file=SQLITE_FILE if EMBEDDED else None) if _needs_local else {}


def secret(name: str) -> str:
    return str(env.str(name, default="")) or _local[name]


SECRET_KEY = secret("SECRET_KEY")
DEBUG = env_bool("DEBUG", EMBEDDED)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
SITE_URL = str(env.str("SITE_URL", default="http://localhost:8000")).rstrip("/")
# How long an end user's signed sticker URL lives: one to two of these windows (bizshop/codes/stickers.py).
STICKER_URL_SECONDS = env.int("STICKER_URL_SECONDS", default=300)
# Orders with more codes than this get their XLSX built in the background (API 202, portal button).
CODE_XLSX_DIRECT_LIMIT = env.int("CODE_XLSX_DIRECT_LIMIT", default=100000)
# PDFs render in a child process of each web/worker process, replaced after this many documents
# (bizshop/core/pdf.py); issued tax invoices are kept as files under PDF_CACHE_DIR.
PDF_RENDER_IN_CHILD = env_bool("PDF_RENDER_IN_CHILD", True)
PDF_RENDERS_PER_CHILD = env.int("PDF_RENDERS_PER_CHILD", default=50)
PDF_CACHE_DIR = Path(env.str("PDF_CACHE_DIR", default=str(VAR_DIR / "pdf-cache")))
# E-mail (password reset, invitations): printed to the console unless a real backend is set;
# the test suite swaps in Django's in-memory outbox.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="이모티콘 비즈샵 <no-reply@bizshop.kr>")
# An SMTP server as one URL (smtp://user:pass@host:587, smtp+tls://…, smtp+ssl://…): when set it is
# the mail backend of everything the shop sends (codes sent to winners included), over EMAIL_BACKEND.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
EMAIL_TIMEOUT = 30
# The domain in the Message-ID of each code e-mail (stored per recipient).
EMAIL_MESSAGE_ID_DOMAIN = SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "bizshop.kr"
# Codes sent to winners (bizshop/campaigns/): the SMS/LMS provider adapter's dotted path (the sandbox
# sends nothing), how often one recipient is tried, and the first retry's delay (doubled each time).
SMS_PROVIDER = env.str("SMS_PROVIDER", default="bizshop.campaigns.sms.sandbox.SandboxSmsProvider")
DELIVERY_MAX_ATTEMPTS = env.int("DELIVERY_MAX_ATTEMPTS", default=5)
# Recipients per sending task; each task queues the next (a chain of short tasks).
DELIVERY_BATCH_SIZE = env.int("DELIVERY_BATCH_SIZE", default=500)
DELIVERY_RETRY_BASE_SECONDS = env.int("DELIVERY_RETRY_BASE_SECONDS", default=30)
# API routes whose bodies may be larger than DATA_UPLOAD_MAX_MEMORY_SIZE (path regex → bytes): a
# delivery's list of up to 100,000 recipients.
API_BODY_LIMITS = {r"^/api/v1/orders/[0-9]+/deliveries/$": 32 * 1024 * 1024}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "bizshop.core",
    "bizshop.accounts",
    "bizshop.audit",
    "bizshop.catalog",
    "bizshop.partners",
    "bizshop.billing",
    "bizshop.codes",
    "bizshop.campaigns",
    "bizshop.webhooks",
    "bizshop.backoffice",
    "bizshop.invoices",
    "bizshop.support",
    "bizshop.demo",
]

MIDDLEWARE = [
    "bizshop.core.observability.RequestIdMiddleware",
    "bizshop.core.middleware.ApiErrorBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bizshop.core.locale.KoreanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "bizshop.accounts.middleware.FormerBackendSessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bizshop.accounts.middleware.PolicyConsentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bizshop.urls"
WSGI_APPLICATION = "bizshop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_FILE,
            # Writers queue for the lock instead of failing at once (tasks run in-process).
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
    # SQLite has no INCLUDE columns: the registered-codes index (codes_code_registered_by_day) is
    # built there without them, which the embedded shop's small tables do not notice.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    DATABASE_PREPARE_THRESHOLD = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
    DATABASES = {
        "default": {
            **dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True),
            # Parameters bound by the server, and statements run often prepared (after 5 uses on a
            # connection): PostgreSQL then plans a code registration's queries once per
            # connection, not on every request, which halved its CPU per registration.
            # Behind PgBouncer in transaction mode, it needs PgBouncer 1.21+ with
            # max_prepared_statements set; DATABASE_PREPARE_THRESHOLD=0 turns preparing off.
            "OPTIONS": {"server_side_binding": True, "prepare_threshold": DATABASE_PREPARE_THRESHOLD or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["bizshop.accounts.backends.UserBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"

# 로그인 상태 유지: a sign-in that asks to be remembered lasts two weeks; any other ends with the
# browser (accounts.views.LoginView).
SESSION_COOKIE_AGE = 14 * 24 * 3600

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "bizshop.accounts.passwords.ShopPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", "한국어"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "bizshop.core.cache.RedisCache", "LOCATION": REDIS_URL}}
    # Sessions read from Redis on every request, written through to the database.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker when Redis is configured, otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The worker logs through LOGGING above (JSON lines with the request id), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A task unacknowledged this long (its worker died) is delivered again. It must exceed the
# longest chunk of work between acknowledgements: tasks ack at their end (acks_late), so it
# bounds a whole issuance task; an hour covers a million codes many times over.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
# Three queues, so that work of different weight can run on workers of its own (scripts/serve.sh):
# "celery" — issuance, exports, expiry, ranking; "documents" — tax invoices: PDF rendering,
# e-mail and transmission, memory-heavy; "webhooks" — calls to partners' servers, slow when theirs
# are. A worker started without -Q consumes all three.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = (Queue("celery"), Queue("documents"), Queue("webhooks"))
CELERY_TASK_ROUTES = {
    "bizshop.invoices.tasks.*": {"queue": "documents"},
    "bizshop.webhooks.tasks.webhook_deliver_task": {"queue": "webhooks"},
}
# The day of month M+1 on which month M's tax invoices are issued. Partners have until then to
# finish issuing codes and ask for a merged invoice; the VAT Act allows no later than the 10th.
INVOICE_RUN_DAY = env.int("INVOICE_RUN_DAY", default=5)
# Where issued tax invoices go to the NTS (an ASP adapter's dotted path) and the shop's issuer code
# in the invoice numbers (승인번호 prefix, 8 digits).
# Short names for the transmitters that ship with the shop; anything else is a dotted path.
INVOICE_TRANSMITTER_ALIASES = {
    "popbill": "bizshop.invoices.transmitters.popbill.PopbillTransmitter",
    "recording": "bizshop.invoices.transmitters.fake.RecordingTransmitter",
}
INVOICE_TRANSMITTER = env.str("INVOICE_TRANSMITTER", default="bizshop.invoices.transmitters.fake.RecordingTransmitter")
INVOICE_TRANSMITTER = INVOICE_TRANSMITTER_ALIASES.get(INVOICE_TRANSMITTER.strip(), INVOICE_TRANSMITTER.strip())
# Popbill (전자세금계산서 ASP, README "Popbill"): the partner's LinkID and SecretKey from Linkhub,
# its test bed or production, and the Popbill member's 사업자등록번호 (empty: the invoice's supplier).
POPBILL_LINK_ID = env.str("POPBILL_LINK_ID", default="")
POPBILL_SECRET_KEY = env.str("POPBILL_SECRET_KEY", default="")
POPBILL_IS_TEST = env_bool("POPBILL_IS_TEST", not PRODUCTION)
POPBILL_CORP_NUM = str(env.str("POPBILL_CORP_NUM", default="")).replace("-", "")
POPBILL_TRANSMITTER = INVOICE_TRANSMITTER_ALIASES["popbill"]
_POPBILL_NEEDS = ("POPBILL_LINK_ID", "POPBILL_SECRET_KEY")
if (
    PRODUCTION
    and INVOICE_TRANSMITTER == POPBILL_TRANSMITTER
    and (_missing := [name for name in _POPBILL_NEEDS if not env.str(name, default="").strip()])
):
    raise ImproperlyConfigured(
        f"PRODUCTION=1 with INVOICE_TRANSMITTER=popbill needs {', '.join(_missing)} in the environment "
        "(README, Popbill)"
    )
if PRODUCTION and INVOICE_TRANSMITTER == POPBILL_TRANSMITTER and POPBILL_IS_TEST:
    raise ImproperlyConfigured(
        "PRODUCTION=1 with POPBILL_IS_TEST=1 would file no tax invoice with the NTS (Popbill's test bed): "
        "set POPBILL_IS_TEST=0 and the production LinkID/SecretKey (README, Popbill)"
    )
INVOICE_ISSUER_CODE = env.str("INVOICE_ISSUER_CODE", default="41000000")
if not 1 <= INVOICE_RUN_DAY <= 10:
    raise ImproperlyConfigured(
        f"INVOICE_RUN_DAY={INVOICE_RUN_DAY}: tax invoices must be issued by the 10th of the next month (1-10)"
    )
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "catalog-ranking-refresh": {"task": "bizshop.catalog.tasks.ranking_refresh_task", "schedule": 600.0},
    "webhooks-deliver-due": {"task": "bizshop.webhooks.tasks.webhook_deliver_due_task", "schedule": 60.0},
    "webhooks-payloads-purge": {"task": "bizshop.webhooks.tasks.webhook_payloads_purge_task", "schedule": 3600.0},
    # A worker that died mid-issuance is noticed within a minute (codes.services.HEARTBEAT_STALE_AFTER).
    "codes-resume-stalled-issuances": {"task": "bizshop.codes.tasks.issuance_resume_stalled_task", "schedule": 30.0},
    "codes-delete-expired-exports": {
        "task": "bizshop.codes.tasks.code_exports_delete_expired_task",
        "schedule": 3600.0,
    },
    "codes-expire-used-up-registrations": {
        "task": "bizshop.codes.tasks.registration_expire_due_task",
        "schedule": 60.0,
    },
    "campaigns-resume-stalled-recipients": {
        "task": "bizshop.campaigns.tasks.recipients_resume_stalled_task",
        "schedule": 300.0,
    },
    # 개인정보 파기: winners' contacts 30 days after the order's last registration deadline.
    "campaigns-erase-contacts": {
        "task": "bizshop.campaigns.tasks.delivery_contacts_erase_due_task",
        "schedule": 3600.0,
    },
    "billing-expire-overdue-deposits": {"task": "bizshop.billing.tasks.order_expire_overdue_task", "schedule": 300.0},
    "billing-purge-idempotency-keys": {"task": "bizshop.billing.tasks.idempotency_keys_purge_task", "schedule": 3600.0},
    # Card payments whose confirmation the PG did not answer in time: asked again and settled.
    "billing-reconcile-pending-payments": {
        "task": "bizshop.billing.tasks.payment_reconcile_pending_task",
        "schedule": 120.0,
    },
    # 세금계산서 월 발행: the previous month's invoices, then its reconciliation, 00:05 KST on
    # INVOICE_RUN_DAY (CELERY_TIMEZONE); merge requests for that month close when it starts.
    "invoices-monthly-run": {
        "task": "bizshop.invoices.tasks.invoice_month_run_task",
        "schedule": crontab(minute=5, hour=0, day_of_month=INVOICE_RUN_DAY),
    },
    "invoices-deliver-pending": {"task": "bizshop.invoices.tasks.invoice_deliver_pending_task", "schedule": 900.0},
    # What the provider and the NTS made of transmitted invoices (국세청 승인번호, 전송결과).
    "invoices-provider-poll": {"task": "bizshop.invoices.tasks.invoice_provider_poll_task", "schedule": 600.0},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["bizshop.partners.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["bizshop.partners.authentication.IsPartner"],
    "DEFAULT_PAGINATION_CLASS": "bizshop.core.api.CursorPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "bizshop.core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["bizshop.core.throttling.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("API_KEY_RATE", default="1200/min")},
    "DEFAULT_SCHEMA_CLASS": "bizshop.core.schema.ApiSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON in (API.md): form bodies cannot say null, and the schema would have to describe them too.
    "DEFAULT_PARSER_CLASSES": ["bizshop.core.api.JSONParser"],
    "UNAUTHENTICATED_USER": None,
    # ?format=csv|xlsx on the codes list is ours (API.md), not DRF's renderer override.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "bizshop partner API",
    "DESCRIPTION": "이모티콘 비즈샵 파트너 API. Authorization: Bearer <API key>.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from our own static files (drf-spectacular-sidecar): a CDN is blocked by our CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The description (auth, error body and codes, idempotency, paging) is written by this hook.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "bizshop.core.schema.describe_api"],
}

# Serial codes: AES-GCM keys as "id:base64,id:base64" (the last one encrypts new codes)
# and the HMAC key of the blind index used for lookups.
# In production they come from the environment only: generated keys in var/secrets.json are
# one lost file away from codes that no longer decrypt (issue 15).
CODE_ENCRYPTION_KEYS = secret("CODE_ENCRYPTION_KEYS")
CODE_LOOKUP_KEY = secret("CODE_LOOKUP_KEY")
# Rotating the lookup key (README, Code keys): the new key while the second index fills, then the
# old one while the new index is copied over.
CODE_LOOKUP_KEY_NEXT = env.str("CODE_LOOKUP_KEY_NEXT", default="")
CODE_LOOKUP_KEY_PREVIOUS = env.str("CODE_LOOKUP_KEY_PREVIOUS", default="")
CODE_REGISTRATION_WINDOW_DAYS = env.int("CODE_REGISTRATION_WINDOW_DAYS", default=90)
CODE_ISSUANCE_CHUNK_SIZE = env.int("CODE_ISSUANCE_CHUNK_SIZE", default=20000)
# Code export files (encrypted, 0600, deleted after 7 days): a directory of their own, never under
# MEDIA_ROOT or STATIC_ROOT, so that no web server or DEBUG route serves them.
CODE_EXPORT_DIR = Path(env.str("CODE_EXPORT_DIR", default=str(VAR_DIR / "exports")))
# Files attached to 1:1 inquiries: outside MEDIA_ROOT for the same reason; only the inquiring
# partner's members and operators download them, through views that check who asks.
SUPPORT_ATTACHMENT_DIR = Path(env.str("SUPPORT_ATTACHMENT_DIR", default=str(VAR_DIR / "support-attachments")))

SANDBOX_PAYMENT_GATEWAY = "bizshop.billing.gateways.sandbox.SandboxGateway"
PORTONE_PAYMENT_GATEWAY = "bizshop.billing.gateways.portone.PortOneGateway"
# PAYMENT_GATEWAY is a dotted path or one of these short names.
_PAYMENT_GATEWAY_ALIASES = {"sandbox": SANDBOX_PAYMENT_GATEWAY, "portone": PORTONE_PAYMENT_GATEWAY}
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default=SANDBOX_PAYMENT_GATEWAY)
PAYMENT_GATEWAY = _PAYMENT_GATEWAY_ALIASES.get(PAYMENT_GATEWAY.strip().lower(), PAYMENT_GATEWAY)
# The sandbox approves a well-known card token and pays on request: its routes (/api/v1/sandbox/…)
# exist only while it is the gateway, and production refuses it unless told (below).
SANDBOX_PAYMENTS = PAYMENT_GATEWAY == SANDBOX_PAYMENT_GATEWAY
# The sandbox PG signs its deposit notifications with a secret of its own, never SECRET_KEY
# (generated under var/ for the embedded shop; a staging shop with the sandbox sets it).
PAYMENT_SANDBOX_SECRET = env.str("PAYMENT_SANDBOX_SECRET", default="") or _local.get("PAYMENT_SANDBOX_SECRET", "")
VIRTUAL_ACCOUNT_DUE_DAYS = env.int("VIRTUAL_ACCOUNT_DUE_DAYS", default=3)

# PortOne (V2): 관리자 콘솔 → 연동 정보. The API secret and the webhook secret are secrets; the
# store id and channel keys are shown to the browser (the payment page passes them to PortOne).
PORTONE_PAYMENTS = PAYMENT_GATEWAY == PORTONE_PAYMENT_GATEWAY
PORTONE_API_SECRET = env.str("PORTONE_API_SECRET", default="")
PORTONE_STORE_ID = env.str("PORTONE_STORE_ID", default="")
PORTONE_CHANNEL_KEY = env.str("PORTONE_CHANNEL_KEY", default="")  # the card channel
PORTONE_VIRTUAL_ACCOUNT_CHANNEL_KEY = env.str("PORTONE_VIRTUAL_ACCOUNT_CHANNEL_KEY", default="")
PORTONE_VIRTUAL_ACCOUNT_BANK = env.str("PORTONE_VIRTUAL_ACCOUNT_BANK", default="SHINHAN")  # PortOne Bank code
PORTONE_WEBHOOK_SECRET = env.str("PORTONE_WEBHOOK_SECRET", default="")
# The REST API's address (a test points it at a local server) and how long one call may take.
PORTONE_API_BASE_URL = str(env.str("PORTONE_API_BASE_URL", default="https://api.portone.io")).rstrip("/")
PORTONE_TIMEOUT_SECONDS: float = env.int("PORTONE_TIMEOUT_SECONDS", default=10)
# A card payment whose confirmation timed out is asked about again once it is this old (seconds).
PORTONE_RECONCILE_AFTER_SECONDS = env.int("PORTONE_RECONCILE_AFTER_SECONDS", default=60)
_portone_given = {
    "PORTONE_API_SECRET": PORTONE_API_SECRET,
    "PORTONE_STORE_ID": PORTONE_STORE_ID,
    "PORTONE_CHANNEL_KEY": PORTONE_CHANNEL_KEY,
    "PORTONE_VIRTUAL_ACCOUNT_CHANNEL_KEY": PORTONE_VIRTUAL_ACCOUNT_CHANNEL_KEY,
    "PORTONE_WEBHOOK_SECRET": PORTONE_WEBHOOK_SECRET,
}
if (
    PRODUCTION
    and PORTONE_PAYMENTS
    and (_missing := [name for name, value in _portone_given.items() if not value.strip()])
):
    raise ImproperlyConfigured(
        f"PAYMENT_GATEWAY=portone with PRODUCTION=1 needs {', '.join(_missing)} in the environment "
        "(PortOne 관리자 콘솔 → 연동 정보; README, PortOne (결제))"
    )

# The shop's business details printed on quotes, statements and receipts (견적서·거래명세서·영수증).
# The defaults are the embedded demo's; production sets its own.
SHOP_NAME = env.str("SHOP_NAME", default="(주)이모티콘비즈샵")
SHOP_BRN = env.str("SHOP_BRN", default="2148801232")  # 사업자등록번호, 10 digits
SHOP_REPRESENTATIVE = env.str("SHOP_REPRESENTATIVE", default="김비즈")
SHOP_ADDRESS = env.str("SHOP_ADDRESS", default="경기도 성남시 분당구 판교역로 166")
SHOP_PHONE = env.str("SHOP_PHONE", default="1577-0000")
# Shown with the above in every page's footer (전자상거래법: 통신판매업자의 신원 정보).
SHOP_MAIL_ORDER_NUMBER = env.str("SHOP_MAIL_ORDER_NUMBER", default="제2026-성남분당A-0001호")  # 통신판매업 신고번호
SHOP_EMAIL = env.str("SHOP_EMAIL", default="help@emoticon-bizshop.kr")
SHOP_SUPPORT_HOURS = env.str("SHOP_SUPPORT_HOURS", default="평일 10:00~18:00 (점심 12:00~13:00, 주말·공휴일 휴무)")
SHOP_PRIVACY_OFFICER = env.str("SHOP_PRIVACY_OFFICER", default="이보안")  # 개인정보 보호책임자

# 이용약관 and 개인정보처리방침: every version, the day it takes effect (KST) and its text (a
# template). Add a version here, never edit a past one's text: a signed-in member who has not
# accepted the version in force is asked to, at their next sign-in, before anything else.
POLICY_VERSIONS = {
    "terms": [
        {"version": "2026-01", "effective": "2026-01-01", "template": "accounts/policies/terms_2026-01.html"},
    ],
    "privacy": [
        {"version": "2026-01", "effective": "2026-01-01", "template": "accounts/policies/privacy_2026-01.html"},
    ],
}

# JSON lines with the request id in production (LOG_FORMAT=json), readable text while developing.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "bizshop.core.observability.RequestIdFilter"},
        "expected_client_errors": {"()": "bizshop.core.observability.ExpectedClientErrorFilter"},
    },
    "formatters": {
        "json": {"()": "bizshop.core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # WeasyPrint and fontTools narrate every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.request": {"filters": ["expected_client_errors"]},
    },
}

# Content-Security-Policy for the portal: our own origin only; the one inline script carries a nonce.
# (The PortOne payment step widens it on that page only: bizshop.billing.views.PORTONE_CSP.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# Production: HTTPS only, secure cookies, HSTS, hashed static files, no webhooks into our own
# network, no sandbox payments. Off unless PRODUCTION=1 (read at the top); `make serve` sets it.
if PRODUCTION and SANDBOX_PAYMENTS and not env_bool("ALLOW_SANDBOX_PAYMENTS", False):
    raise ImproperlyConfigured(
        "PRODUCTION=1 with the sandbox payment gateway, which takes no money: set PAYMENT_GATEWAY to the "
        "PG adapter, or ALLOW_SANDBOX_PAYMENTS=1 for a shop that is not meant to be paid (a staging one)"
    )
if SANDBOX_PAYMENTS and not PAYMENT_SANDBOX_SECRET:
    raise ImproperlyConfigured("the sandbox payment gateway needs PAYMENT_SANDBOX_SECRET in the environment")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Webhook URLs are the partners' choice: in production they may not point into our own network.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", not PRODUCTION)
