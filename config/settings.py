"""Django settings for Gestão de Clientes.

Every value that differs between machines comes from the environment (12-factor);
this is the only module that reads it. ``make run`` and ``make test`` export the
variables they need; production sets them in docker-compose / the host.
"""

import hashlib
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# Keys that must never reach production: Django's placeholder and our dev marker.
_INSECURE_KEY_MARKERS = ("django-insecure", "change-me", "dev-only")
SECRET_KEY = env.str("SECRET_KEY", default="")
if not DEBUG and (len(SECRET_KEY) < 50 or any(m in SECRET_KEY for m in _INSECURE_KEY_MARKERS)):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters "
        "when DEBUG is off (e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
if not SECRET_KEY:
    SECRET_KEY = "dev-only-insecure-key-for-debug-sessions-never-in-production-xxxxxxxx"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "rest_framework_simplejwt.token_blacklist",
    "drf_standardized_errors",
    "csp",
    "django_prometheus",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # ours
    "accounts",
    "accounts.mfa",
    "clientes",
    "reports",
    "audit",
    "monitoring",
    "lgpd",
    "idempotency",
    "webhooks",
    "duplicates",
    "imports",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # First: the request id and audit context exist for everything below.
    "audit.middleware.RequestContextMiddleware",
    "config.trusted_proxy.TrustedProxyMiddleware",
    "monitoring.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.security_headers.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "common.replicas.ReadYourWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "accounts.mfa.middleware.EnrolmentRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.HtmxLoginRedirectMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, so it sees the lockout flag set while the view authenticated.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.site",
            ],
        },
    },
]

# --- Data stores -----------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/gestao_clientes"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Streaming replicas that serve the registry's reads (common/replicas.py).
for _index, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[])):
    DATABASES[f"replica_{_index}"] = {
        **env.db_url_config(_url),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # A dead replica must cost a request little before it leaves the rotation.
        "OPTIONS": {"connect_timeout": env.int("REPLICA_CONNECT_TIMEOUT", default=2)},
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["common.replicas.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=1.0)
READ_YOUR_WRITES_SECONDS = env.int("READ_YOUR_WRITES_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="gc"),
        "TIMEOUT": env.int("CACHE_DEFAULT_TTL", default=300),
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            # Never pickle: whoever can write a key to Redis must not run code here.
            "SERIALIZER": "common.cache.codec.MsgpackSerializer",
            # Short timeouts: a slow or dead Redis must degrade to PostgreSQL,
            # never hang a request.
            "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=0.2),
            "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=0.2),
        },
    }
}

# Redis Sentinel (optional): the cache and the broker follow a failover. With
# REDIS_SENTINELS set, REDIS_URL gives only the credentials and database number;
# the master's address comes from the sentinels (REDIS_SENTINEL_MASTER names it).
REDIS_SENTINELS = [
    (host, int(port))
    for host, port in (item.rsplit(":", 1) for item in env.list("REDIS_SENTINELS", default=[]))
]
REDIS_SENTINEL_MASTER = env.str("REDIS_SENTINEL_MASTER", default="gestao")
if REDIS_SENTINELS:
    _redis_url = urlsplit(REDIS_URL)
    _credentials = _redis_url.netloc.rsplit("@", 1)[0] + "@" if "@" in _redis_url.netloc else ""
    _db = _redis_url.path.lstrip("/") or "0"
    CACHES["default"]["LOCATION"] = f"redis://{_credentials}{REDIS_SENTINEL_MASTER}/{_db}"
    CACHES["default"]["OPTIONS"].update(
        {
            # Every read and write goes to the master: a replica may lag behind
            # an invalidation.
            "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
            "SENTINELS": REDIS_SENTINELS,
            "SENTINEL_KWARGS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
        }
    )

# Client cache (clientes.cache): every key has a TTL, in seconds.
CLIENTES_CACHE = {
    "PROFILE_TTL": env.int("CACHE_PROFILE_TTL", default=3600),
    # Short-lived "CPF not found" answers, so a missing CPF cannot hammer PostgreSQL.
    "NOT_FOUND_TTL": env.int("CACHE_NOT_FOUND_TTL", default=30),
    "SEARCH_TTL": env.int("CACHE_SEARCH_TTL", default=300),
    # Invalidation tokens must outlive any read that started before the write.
    "TOKEN_TTL": env.int("CACHE_TOKEN_TTL", default=24 * 3600),
    "GENERATION_TTL": env.int("CACHE_GENERATION_TTL", default=30 * 24 * 3600),
    # After a Redis error, go straight to PostgreSQL for this long before retrying.
    "RETRY_SECONDS": env.float("CACHE_RETRY_SECONDS", default=1.0),
    # How long a request waits for another one recomputing the same hot entry.
    "LOCK_WAIT_SECONDS": env.float("CACHE_LOCK_WAIT_SECONDS", default=2.0),
    "RECONCILE_MINUTES": env.int("CACHE_RECONCILE_MINUTES", default=5),
    "CONSISTENCY_TARGET": env.float("CACHE_CONSISTENCY_TARGET", default=0.999),
}

# --- Celery ----------------------------------------------------------------

_broker_url = env.str("CELERY_BROKER_URL", default="")
CELERY_BROKER_URL = _broker_url or REDIS_URL
if REDIS_SENTINELS and not _broker_url:
    # The broker in the next database, as a separate CELERY_BROKER_URL would be.
    _broker_db = env.int("CELERY_BROKER_SENTINEL_DB", default=int(_db) + 1)
    CELERY_BROKER_URL = ";".join(
        f"sentinel://{_credentials}{host}:{port}/{_broker_db}" for host, port in REDIS_SENTINELS
    )
    CELERY_BROKER_TRANSPORT_OPTIONS = {"master_name": REDIS_SENTINEL_MASTER}
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "America/Sao_Paulo"
# django-celery-beat's DatabaseScheduler, sending only while it holds a lock
# (common.beat: a second beat stands by instead of sending every task twice),
# touching CELERY_BEAT_HEARTBEAT_FILE on every tick (config.beat).
CELERY_BEAT_SCHEDULER = "config.beat:HeartbeatDatabaseScheduler"
# Touched on every beat tick, for the container healthcheck (empty: none).
CELERY_BEAT_HEARTBEAT_FILE = env.str("CELERY_BEAT_HEARTBEAT_FILE", default="")
# Exports have their own queue and workers (``-Q exports``): a burst of big
# exports never delays reconciliation, housekeeping or the usage aggregates.
EXPORTS_QUEUE = "exports"
CELERY_TASK_ROUTES = {"reports.export_generate": {"queue": EXPORTS_QUEUE}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "audit-purge-expired": {
        "task": "audit.tasks.purge_expired_events",
        "schedule": crontab(hour=3, minute=30),
    },
    "accounts-housekeeping": {
        "task": "accounts.tasks.accounts_housekeeping",
        "schedule": crontab(hour=4, minute=0),
    },
    # Exports requested while the broker was down start once it is back; the
    # broker must be up for beat to send this, so it runs right after it is.
    "reports-dispatch-unqueued": {
        "task": "reports.export_dispatch",
        "schedule": 30.0,
    },
    # LGPD retention rule: a dry-run list while off, batched anonymisation when on.
    "lgpd-apply-retention-rule": {
        "task": "lgpd.tasks.apply_retention_rule",
        "schedule": crontab(hour=2, minute=30),
    },
    # The managers' metrics page reads these daily aggregates of the audit trail.
    "idempotency-purge-expired": {
        "task": "idempotency.tasks.purge_expired_keys",
        "schedule": crontab(hour=4, minute=30),
    },
    "webhooks-deliver-due": {
        "task": "webhooks.tasks.deliver_due",
        "schedule": crontab(minute="*"),
    },
    # Probable duplicates of the clients changed since the last run (duplicates app).
    "duplicates-refresh": {
        "task": "duplicates.tasks.refresh",
        "schedule": crontab(minute="*/15"),
    },
    "monitoring-aggregate-usage": {
        "task": "monitoring.tasks.aggregate_usage",
        "schedule": crontab(minute="*/15"),
    },
}

# --- Auth ------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses an IP over the failed-login limit (any account), then a
    # locked-out (account, IP) pair, before any password check.
    "accounts.ip_limit.IpFailureLimitBackend",
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend with the permission set cached in Redis between requests.
    "accounts.permission_cache.CachedPermissionsBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    # bcrypt over SHA-256 avoids bcrypt's silent truncation at 72 bytes.
    "accounts.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# bcrypt work factor; lower only in tests (devstack/testenv.py).
BCRYPT_ROUNDS = env.int("BCRYPT_ROUNDS", default=12)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "accounts.password_validation.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sessions and transport security --------------------------------------

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_ABSOLUTE_SECONDS", default=24 * 3600)
# accounts.middleware.SessionLifetimeMiddleware: a session ends after this long
# without a request, and SESSION_COOKIE_AGE after login however active it is.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# HTTPS_ONLY is on in production; ``make run`` serves plain HTTP on loopback
# and turns it off.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_SSL_REDIRECT = HTTPS_ONLY
SECURE_HSTS_SECONDS = 31536000 if HTTPS_ONLY else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only a trusted reverse proxy (nginx) sets this header; see deploy/nginx.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS_ONLY else None
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^health/deep/$", r"^metrics$"]
# HSTS preload is a commitment for the whole registrable domain (and hard to
# undo); the company's IT decides it, not this app. nginx sends HSTS without it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Content Security Policy: own origin only, no inline script or style (HTMX's
# indicator style is turned off in static/js/app.js), no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    },
}

# --- I18N ------------------------------------------------------------------

LANGUAGE_CODE = "pt-br"
LANGUAGES = [("pt-br", _("Português (Brasil)"))]
TIME_ZONE = "America/Sao_Paulo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static files ----------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / ".data" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed file names (long browser caching) need `collectstatic`;
# tests and DEBUG sessions serve the source files directly.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".data" / "media")
# Largest spreadsheet a client import accepts; nginx's client_max_body_size
# (deploy/nginx) must stay at least this.
IMPORTS_MAX_FILE_MB = env.int("IMPORTS_MAX_FILE_MB", default=20)

# --- REST API --------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.RevocableJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # One error format for every API error: {"type", "errors": [{"code", "detail", "attr"}]}
    # with pt-BR messages; the schema documents it on every endpoint.
    "DEFAULT_SCHEMA_CLASS": "drf_standardized_errors.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Per user when logged in, per client IP (common/client_ip.py) otherwise;
    # over the limit: 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "config.throttling.UserRateThrottle",
        "config.throttling.AnonIPRateThrottle",
        "config.throttling.ClientPagesThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("THROTTLE_USER_RATE", default="600/min"),
        "anon": env.str("THROTTLE_ANON_RATE", default="120/min"),
        # Pages of client lists (list and search API) per user: no walking the registry.
        "clients_pages": env.str("CLIENTS_API_PAGE_RATE", default="120/hour"),
    },
}

# Idempotency-Key (idempotency/): how long a first answer is replayed, and how
# long a concurrent duplicate waits for the first request before a 409.
IDEMPOTENCY_TTL_HOURS = env.int("IDEMPOTENCY_TTL_HOURS", default=24)
IDEMPOTENCY_WAIT_SECONDS = env.float("IDEMPOTENCY_WAIT_SECONDS", default=10.0)

# Webhooks (webhooks/): true only in development and tests, where receivers
# run on this machine: allows http:// and private or loopback targets.
WEBHOOK_ALLOW_PRIVATE = env.bool("WEBHOOK_ALLOW_PRIVATE", default=False)

DRF_STANDARDIZED_ERRORS = {"EXCEPTION_HANDLER_CLASS": "config.api_errors.ExceptionHandler"}
_STANDARDIZED_ERROR_ENUMS = (
    "ValidationErrorEnum", "ClientErrorEnum", "ServerErrorEnum", "ErrorCode401Enum",
    "ErrorCode403Enum", "ErrorCode404Enum", "ErrorCode405Enum", "ErrorCode406Enum",
    "ErrorCode415Enum", "ErrorCode429Enum", "ErrorCode500Enum",
)  # fmt: skip
SPECTACULAR_SETTINGS = {
    "TITLE": "Gestão de Clientes API",
    "DESCRIPTION": "API REST para pesquisa, cadastro e exportação de clientes.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Separate request/response components: read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        **{
            name: f"drf_standardized_errors.openapi_serializers.{name}.choices"
            for name in _STANDARDIZED_ERROR_ENUMS
        },
        "StatusSolicitacaoEnum": "lgpd.choices.StatusSolicitacao",
        "TipoSolicitacaoEnum": "lgpd.choices.TipoSolicitacao",
        "FiltroStatusEnum": "clientes.api.filter_fields.FILTER_STATUS_CHOICES",
        "FiltroSexoEnum": "clientes.api.filter_fields.FILTER_SEXO_CHOICES",
        "FiltroUfEnum": "clientes.api.filter_fields.FILTER_UF_CHOICES",
        # Cliente and ClienteGravado (the write answers) share it.
        "ClienteSexoEnum": "clientes.choices.Sexo",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "clientes.api.openapi.index_placeholders_to_patterns",
        "clientes.api.openapi.input_formats_only",
        "clientes.api.openapi.strict_request_bodies",
        "clientes.api.openapi.overlapping_alternatives",
    ],
}

# --- Login lockout (django-axes) and client IPs -----------------------------

# Database handler: a lockout survives restarts and does not depend on Redis.
# Address service for the client form's CEP (ViaCEP-compatible JSON; "{cep}"
# stands for the 8 digits), e.g. https://viacep.com.br/ws/{cep}/json/. Off when
# empty: the form then fills only the UF, from the CEP ranges.
CEP_SERVICE_URL = env("CEP_SERVICE_URL", default="")
CEP_SERVICE_TIMEOUT = env.float("CEP_SERVICE_TIMEOUT", default=2.0)

AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=30))
# Lock the pair (account, client IP): an attacker elsewhere cannot lock a user
# out of their own machine, and one IP cannot try many passwords on one account.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Logins and logouts are recorded by the audit log (audit/), not twice.
AXES_DISABLE_ACCESS_LOG = True
AXES_USERNAME_CALLABLE = "accounts.lockout.normalized_username"
AXES_CLIENT_IP_CALLABLE = "common.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Every failure is logged (axes.AccessFailureLog) for the per-IP limit across
# accounts (accounts/ip_limit.py): after LOGIN_IP_FAILURE_LIMIT failures from
# one IP within LOGIN_IP_WINDOW_MINUTES, every further login from it is
# refused until the oldest leaves the window (0: no limit).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=20)
LOGIN_IP_WINDOW = timedelta(minutes=env.int("LOGIN_IP_WINDOW_MINUTES", default=15))
# Wrong "current password" answers on the password change page, counted like
# failed logins, before the session is ended.
PASSWORD_CHECK_FAILURE_LIMIT = env.int("PASSWORD_CHECK_FAILURE_LIMIT", default=3)
# IPs or CIDRs of our reverse proxies: X-Forwarded-For, X-Forwarded-Proto and
# X-Request-ID are believed only when the connection comes from one of them
# (see common/client_ip.py, config/trusted_proxy.py, audit/middleware.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# The second step's code is not kept in axes' record of a failed attempt.
AXES_SENSITIVE_PARAMETERS = ["code", "otp"]

# --- Two-factor authentication (django-otp; accounts/mfa) ---------------------

# How long the login's second step (the code) waits after a right password.
MFA_LOGIN_STEP_SECONDS = env.int("MFA_LOGIN_STEP_SECONDS", default=300)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Gestão de Clientes")
# No per-device delay after a wrong code: wrong codes count toward the same
# lockout as wrong passwords (django-axes), one rule for both.
OTP_TOTP_THROTTLE_FACTOR = 0
# Codes are accepted for exactly ±1 time step (30 s) of the server's clock;
# django-otp would otherwise learn a device's drift and move that window.
OTP_TOTP_SYNC = False
OTP_STATIC_THROTTLE_FACTOR = 0

# --- API tokens (djangorestframework-simplejwt) ------------------------------

# A key of its own, so leaking one of SECRET_KEY / JWT_SIGNING_KEY does not
# give away the other. Required (like SECRET_KEY) unless DEBUG is on.
JWT_SIGNING_KEY = env.str("JWT_SIGNING_KEY", default="")
if not DEBUG and (
    len(JWT_SIGNING_KEY) < 50
    or any(m in JWT_SIGNING_KEY for m in _INSECURE_KEY_MARKERS)
    or JWT_SIGNING_KEY == SECRET_KEY
):
    raise ImproperlyConfigured(
        "JWT_SIGNING_KEY must be set to a random value of at least 50 characters, "
        "different from SECRET_KEY, when DEBUG is off."
    )
if not JWT_SIGNING_KEY:
    JWT_SIGNING_KEY = "dev-only-jwt-" + hashlib.sha256(SECRET_KEY.encode()).hexdigest()
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=env.int("JWT_REFRESH_HOURS", default=24)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,  # accounts.api.views.TokenObtainView does it
    "ALGORITHM": "HS256",
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "VERIFYING_KEY": None,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
    "LEEWAY": 0,
}

# --- Product settings ------------------------------------------------------

CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="suporte@example.com")
CONTACT_PHONE = env.str("CONTACT_PHONE", default="(11) 4000-0000")
# --- E-mail (password reset links) -------------------------------------------
# SMTP in production; `make run` prints mails on the console (devstack/run.py).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Gestão de Clientes <nao-responda@example.com>"
)
# A reset link works once and for this long (seconds).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)
# Reset requests per hour: from one IP (more answer 429) and links to one
# account (more are ignored, silently: the answer must not reveal accounts).
PASSWORD_RESET_IP_LIMIT = env.int("PASSWORD_RESET_IP_LIMIT", default=10)
PASSWORD_RESET_ACCOUNT_LIMIT = env.int("PASSWORD_RESET_ACCOUNT_LIMIT", default=3)

# Password of the demo users that `make run` creates (never used in production).
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="Clientes@2026")

# --- Audit trail ---------------------------------------------------------

# Events of reads (profile views, searches, downloads) commit without waiting
# for the WAL flush unless this is true; events of changes always commit with
# the change itself. See audit/services.py.
AUDIT_SYNCHRONOUS_COMMIT = env.bool("AUDIT_SYNCHRONOUS_COMMIT", default=False)

# --- Monitoring -----------------------------------------------------------

# /metrics answers only these networks (client IP behind the proxy) or a
# request with "Authorization: Bearer METRICS_TOKEN".
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# /health/deep/ (same access as /metrics) probes the backends at most this
# often per process; callers in between get the last result.
HEALTH_DEEP_MIN_INTERVAL = env.float("HEALTH_DEEP_MIN_INTERVAL", default=5.0)
# Set under gunicorn (several worker processes): see config/gunicorn.conf.py.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")

# --- Logging ---------------------------------------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# "json": one object per line (production, log shippers); "plain" for humans.
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler carries both filters: request_id adds %(request_id)s (the
    # id also stored in that request's audit events), mask_cpf masks CPFs.
    "filters": {
        "request_id": {"()": "audit.log_filters.RequestIdFilter"},
        "mask_cpf": {"()": "audit.log_filters.CpfMaskingFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "monitoring.json_logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "mask_cpf"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # config.health logs one line per failed probe; the library's own
        # warnings carry a traceback every few seconds while a service is down.
        "health_check": {"level": "ERROR"},
    },
}
