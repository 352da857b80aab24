"""Structured logs: one JSON line per request and per task, no personal data."""

import io
import json
import logging
import sys

import pytest

from audit.log_filters import CpfMaskingFilter, RequestIdFilter
from config.celery import app as celery_app
from monitoring.json_logs import JsonFormatter


@pytest.fixture
def json_lines():
    """Capture what the gestao.* loggers write, formatted as in production."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    # As on the console handler of settings.LOGGING.
    handler.addFilter(RequestIdFilter())
    handler.addFilter(CpfMaskingFilter())
    logger = logging.getLogger("gestao")
    logger.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        logger.removeHandler(handler)


@celery_app.task(name="monitoring.tests.double")
def double(value):
    return value * 2


@pytest.mark.django_db
def test_one_json_line_per_request_without_the_query_string(client, analista, json_lines):
    client.force_login(analista)
    response = client.get("/?q=123.456.789-09")
    (entry,) = [e for e in json_lines() if e["logger"] == "gestao.request"]
    assert entry["request_id"] == response["X-Request-ID"]
    assert entry["route"] == "/" and entry["view"] == "home"
    assert entry["method"] == "GET" and entry["status"] == 200
    assert entry["user_id"] == analista.pk
    assert entry["duration_ms"] >= 0
    assert entry["level"] == "INFO" and entry["ts"].endswith("+00:00")
    assert "789" not in json.dumps(entry)


@pytest.mark.django_db
def test_anonymous_requests_log_no_user(client, json_lines):
    client.get("/conta/entrar/")
    (entry,) = [e for e in json_lines() if e["logger"] == "gestao.request"]
    assert entry["user_id"] is None and entry["route"] == "/conta/entrar/"


def test_one_json_line_per_task_without_its_arguments(json_lines):
    assert double.delay(21_345_678).get() == 42_691_356
    (entry,) = [e for e in json_lines() if e["logger"] == "gestao.task"]
    assert entry["task"] == "monitoring.tests.double"
    assert entry["state"] == "SUCCESS"
    assert entry["task_id"] and entry["duration_ms"] >= 0
    assert "21345678" not in json.dumps(entry)


def test_exceptions_are_kept_on_the_same_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exc"]
