"""Helpers for tests that start real processes (workers, beat) on the test database."""

from django.conf import settings


def database_url_of_this_run() -> str:
    """Return the URL of the database this test run uses (``test_<name>``)."""
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
