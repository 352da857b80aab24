"""API routes of accounts (JWT endpoints under /api/v1/auth/)."""

urlpatterns = []
