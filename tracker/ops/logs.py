"""One JSON object per line (LOG_FORMAT=json), with the request id, user id and IMDb id where they apply.

Used by Django's LOGGING in the web processes and workers, and by deploy/gunicorn.conf.py for
gunicorn's own error and access logs. Importable before Django is set up.
"""

import logging

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from tracker.ops.context import current_user_id, log_fields

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

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        atoms = record.args if record.name == "gunicorn.access" and isinstance(record.args, dict) else None
        if atoms:
            for atom, field in ACCESS_FIELDS:
                value = atoms.get(atom)
                if value not in (None, "-", ""):
                    log_data[field] = int(value) if str(value).isdigit() else value
