"""Structured logs (structlog): one line per request, a request id, and never a personal field.

``logging_config`` gives the ``LOGGING`` setting and configures structlog to go through it, so
structlog's lines and the standard library's (Django, libraries) share one output: JSON lines in
production, readable console lines elsewhere. Every line carries the ``request_id`` bound by
:class:`RequestLogMiddleware`, which also answers it in the ``X-Request-ID`` header (a proxy's id
is kept when it is a plain hexadecimal or UUID token).

The request line names the view (its URL name), never the path: a path could hold whatever was
typed into the address bar, and a query string a searched name. It gives the reference in the
path only when it is a well-formed Parcours reference, and the user's id, never a user name or an
address. :func:`scrub_personal` drops the keys known to hold personal data from every structlog
line, as a safety net behind the rule that nothing personal is passed to a logger at all.
"""

import re
import sys
import time
import uuid

import structlog
from django.conf import settings
from django.utils.functional import empty

from parcours.core.refs import is_valid_reference

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's request id is kept only when it is a plain token: hexadecimal digits and dashes
# (nginx's $request_id, a UUID), 16 to 64 of them. Anything else gets a new id.
_SAFE_REQUEST_ID = re.compile(r"[0-9A-Fa-f-]{16,64}")

# Keys that hold personal data (the person's fields, free text, searches, account details).
PERSONAL_KEYS = frozenset(
    {
        "given_names",
        "family_name",
        "full_name",
        "name",
        "aliases",
        "birth_date",
        "phone",
        "email",
        "address",
        "location",
        "location_now",
        "note",
        "notes",
        "reason",
        "text",
        "body",
        "q",
        "query",
        "username",
        "password",
        "summary",
        "first_contact",
    }
)


def _is_personal(key) -> bool:
    return isinstance(key, str) and (key.lower() in PERSONAL_KEYS or key.endswith("_notes"))


def scrub_personal(logger, method_name, event_dict):
    """Drop personal keys, at any depth of the event; name the dropped keys (never their values)
    in ``scrubbed`` so that the call that passed them can be found and fixed."""
    dropped: set[str] = set()

    def clean(value):
        if isinstance(value, dict):
            kept = {}
            for key, item in value.items():
                if _is_personal(key):
                    dropped.add(str(key))
                else:
                    kept[key] = clean(item)
            return kept
        if isinstance(value, list | tuple):
            return type(value)(clean(item) for item in value)
        return value

    cleaned = clean(event_dict)
    if dropped:
        cleaned["scrubbed"] = sorted(dropped)
    return cleaned


# Run on every line: structlog's own, and the standard library's ("foreign") ones.
SHARED_PROCESSORS = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    scrub_personal,
]


def logging_config(*, json: bool, cache_loggers: bool = True) -> dict:
    """Configure structlog and return the matching ``LOGGING`` setting: JSON lines when ``json``,
    console lines otherwise (tracebacks plain, never with local variables)."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=cache_loggers,
    )
    if json:
        renderers = [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    else:
        renderers = [
            structlog.dev.ConsoleRenderer(
                colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
            )
        ]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": SHARED_PROCESSORS,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *renderers,
                ],
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            # Django's warnings and errors through the same handler (not Django's own console
            # handler as well); "django.server" (runserver) keeps Django's configuration.
            "django": {"handlers": [], "level": "WARNING"},
            "parcours": {"level": "INFO"},
        },
    }


request_logger = structlog.get_logger("parcours.request")


def _request_id(request) -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    return incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def _user_id(request) -> int | None:
    """The signed-in user's id, when the request has looked the user up (never loaded here)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    user = getattr(user, "_wrapped", user)  # AuthenticationMiddleware's lazy object
    if user is empty or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


def _view(request) -> tuple[str | None, str | None]:
    """The URL name of the view and, when it is a well-formed reference, the ``ref`` in the path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None, None
    ref = match.kwargs.get("ref")
    if not (isinstance(ref, str) and ref[:1].isalpha() and is_valid_reference(ref[0], ref)):
        ref = None
    return match.view_name, ref


class RequestLogMiddleware:
    """Bind a request id for every log line of the request, answer it in ``X-Request-ID``, and
    log one line per request: request id, URL name, status, user id, duration. Static files are
    not logged (they still get the header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _request_id(request)
        request.request_id = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            if not request.path.startswith(settings.STATIC_URL):
                url_name, ref = _view(request)
                fields = {"ref": ref} if ref else {}
                request_logger.info(
                    "request",
                    method=request.method,
                    url_name=url_name,
                    **fields,
                    status=response.status_code,
                    user_id=_user_id(request),
                    duration_ms=round((time.monotonic() - started) * 1000, 1),
                )
            return response
        finally:
            structlog.contextvars.clear_contextvars()

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Lines logged by the view itself carry its URL name too."""
        url_name, _ref = _view(request)
        structlog.contextvars.bind_contextvars(url_name=url_name)
