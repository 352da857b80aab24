"""API routes of audit under /api/v1/."""

urlpatterns = []
