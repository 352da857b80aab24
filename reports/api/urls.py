"""API routes of reports under /api/v1/."""

urlpatterns = []
