import io
import logging

import pytest


@pytest.fixture
def console_log():
    """Return a buffer receiving what the configured console handler writes.

    This is the real handler from settings.LOGGING, with its filters and
    formatter: the lines are exactly what production would print.
    """
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.setLevel(level)
        handler.setStream(previous)
