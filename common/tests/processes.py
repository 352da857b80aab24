"""Helpers for tests that start real processes (workers, beat) on the test database."""

from urllib.parse import quote

from django.db import connection


def database_url_of_this_run() -> str:
    """Return the URL of the database this test run uses (``test_<name>``)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
