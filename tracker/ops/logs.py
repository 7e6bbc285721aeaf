"""One JSON object per line (LOG_FORMAT=json), with the request id, user id and IMDb id where they apply;
and the filter that takes secrets out of every record, in either format.

Used by Django's LOGGING in the web processes and workers, and by deploy/gunicorn.conf.py for
gunicorn's own error and access logs. Importable before Django is set up.
"""

import logging

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from tracker.ops.context import current_user_id, log_fields
from tracker.ops.redaction import redact
from tracker.validators import is_ascii_digits

# gunicorn's access-log atoms worth a field of their own: (atom, field).
ACCESS_FIELDS = (
    ("h", "remote_addr"),
    ("m", "method"),
    ("U", "path"),
    ("s", "status"),
    ("B", "response_bytes"),
    ("M", "duration_ms"),
    ("a", "user_agent"),
    ("{x-request-id}o", "request_id"),
)


# The attributes every LogRecord has; any other was added by `extra=` (or a filter) and is written out too.
STANDARD_RECORD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
_traceback_formatter = logging.Formatter()


class RedactSecrets(logging.Filter):
    """Takes configured secrets and credential-shaped values out of a record: message, extras, traceback, stack.

    On every handler rather than on loggers: a logger's filter does not see the records its
    children pass up, such as urllib3's retry warnings, which carry the full URL and so TMDB's key.
    """

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the handler's to report
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        for name, value in list(vars(record).items()):
            if name not in STANDARD_RECORD_FIELDS and isinstance(value, str):
                setattr(record, name, redact(value))
        if record.exc_info or record.exc_text:
            # Formatters use exc_text when it is set; exc_info stays for the admins' e-mail report.
            record.exc_text = redact(record.exc_text or _traceback_formatter.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class ContextFilter(logging.Filter):
    """Adds the current request id, user id and IMDb id to each record (an explicit `extra=` wins)."""

    def filter(self, record):
        fields = log_fields()
        # django.request logs an error answer after the middleware has returned; its record
        # carries the request, and so the request's id.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "request_id"):
            fields = {"request_id": request.request_id, "user_id": current_user_id(request), **fields}
        for name, value in fields.items():
            if value is not None and not hasattr(record, name):
                setattr(record, name, value)
        if request is not None:
            record.request = f"{request.method} {request.path}"  # not the object's repr
        return True


class JsonFormatter(BaseJsonFormatter):
    """python-json-logger's formatter with this project's field names, and gunicorn access lines split up."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        super().__init__("%(levelname)s %(name)s %(message)s", *args, **kwargs)

    def formatException(self, ei):
        # python-json-logger formats exc_info afresh rather than using RedactSecrets' exc_text.
        return redact(super().formatException(ei))

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        atoms = record.args if record.name == "gunicorn.access" and isinstance(record.args, dict) else None
        if atoms:
            for atom, field in ACCESS_FIELDS:
                value = atoms.get(atom)
                if value not in (None, "-", ""):
                    log_data[field] = int(value) if is_ascii_digits(str(value)) else value
