"""Logging filters every handler carries (see LOGGING in config/settings.py).

- ``RequestIdFilter`` adds ``record.request_id`` (the id of the request, task
  or command being served, "-" outside one), the same id stored in the audit
  events of that request: formatters use ``%(request_id)s`` (or the JSON key
  ``request_id``).
- ``CpfMaskingFilter`` masks every CPF-looking number (11 digits, formatted or
  not) in the message, its arguments and the traceback, so no log line holds
  a full CPF, whoever wrote it.

Attach them to handlers, not loggers: a logger's filters do not see records
propagated from child loggers.
"""

from __future__ import annotations

import logging

from audit.context import current_request_id
from audit.sanitize import mask_cpfs_in_text

_formatter = logging.Formatter()


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True


class CpfMaskingFilter(logging.Filter):
    """Mask CPFs in the rendered message and in exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            message = str(record.msg)
        masked = mask_cpfs_in_text(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_cpfs_in_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_cpfs_in_text(record.stack_info)
        return True
