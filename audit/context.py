"""Who and where the current operation comes from, for the logs and the audit trail.

A ``contextvars.ContextVar`` carries an ``OperationContext`` through one request
(set by ``audit.middleware.RequestContextMiddleware``), one Celery task or one
management command, so code deep in a service can record an event or log a
line with the right request id without being handed the request.
"""

from __future__ import annotations

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass, field

from audit.choices import Channel


@dataclass
class OperationContext:
    """The request (or task/command) being served: ids and network origin."""

    request_id: str
    channel: str = Channel.WEB
    ip: str | None = None
    user_agent: str = ""
    # The HttpRequest, when there is one: its ``user`` is read lazily, after
    # authentication (DRF authenticates inside the view).
    request: object | None = field(default=None, repr=False)
    # Set by a task or command that acts for a known user (e.g. an export job).
    actor: object | None = field(default=None, repr=False)


_current: ContextVar[OperationContext | None] = ContextVar("audit_operation", default=None)


def new_request_id() -> str:
    """Return a fresh request id (32 hex characters)."""
    return uuid.uuid4().hex


def current() -> OperationContext | None:
    """Return the context of the operation being served, or None."""
    return _current.get()


def current_request_id() -> str | None:
    """Return the current request id, or None outside a request/task/command."""
    ctx = _current.get()
    return ctx.request_id if ctx else None


@contextlib.contextmanager
def bind(context: OperationContext):
    """Make ``context`` current inside the ``with`` block (restored afterwards)."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def activate(context: OperationContext):
    """Make ``context`` current until ``deactivate(token)``; return the token."""
    return _current.set(context)


def deactivate(token) -> None:
    _current.reset(token)


def command_context() -> OperationContext:
    """Return a fresh context for a management command (channel "command")."""
    return OperationContext(request_id=new_request_id(), channel=Channel.COMMAND)
