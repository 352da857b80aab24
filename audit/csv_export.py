"""The audit trail as CSV: one row per event, UTC timestamps, details as JSON."""

from __future__ import annotations

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder

CSV_MAX_ROWS = 100_000
HEADER = [
    "id",
    "occurred_at_utc",
    "actor_id",
    "actor_email",
    "actor_role",
    "ip",
    "user_agent",
    "request_id",
    "channel",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "details",
]
# Spreadsheets run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    def write(self, value):
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_rows(queryset, max_rows: int = CSV_MAX_ROWS):
    """Yield CSV lines (header first) for up to ``max_rows`` events of ``queryset``."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(HEADER)  # BOM: Excel reads the file as UTF-8
    for event in queryset[:max_rows].iterator(chunk_size=2000):
        yield writer.writerow(
            [
                event.pk,
                _cell(event.occurred_at.isoformat()),
                _cell(event.actor_id),
                _cell(event.actor_email),
                _cell(event.actor_role),
                _cell(event.ip),
                _cell(event.user_agent),
                _cell(event.request_id),
                _cell(event.channel),
                _cell(event.action),
                _cell(event.target_type),
                _cell(event.target_id),
                _cell(event.target_label),
                _cell(json.dumps(event.details, cls=DjangoJSONEncoder, ensure_ascii=False)),
            ]
        )
