"""Pagination that never counts ten million rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """Count at most ``COUNT_CAP`` + 1 matches; ``is_capped`` says there are more.

    An exact count of a year of events costs seconds; "more than 10,000" is as
    useful to someone who should narrow the filters anyway.
    """

    cap = COUNT_CAP

    @cached_property
    def count(self):
        return self.object_list[: self.cap + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap
