"""Fixtures of the usage metrics tests."""

import pytest

from monitoring.tests.usage_fixtures import DAY1, DAY2, seed_events
from monitoring.usage import usage_aggregate_day


@pytest.fixture
def aggregated(db):
    """The known events of usage_fixtures, aggregated for both days."""
    seed_events()
    for day in (DAY1, DAY2):
        usage_aggregate_day(dia=day)
