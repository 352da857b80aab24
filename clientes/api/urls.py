"""API routes of clientes under /api/v1/."""

urlpatterns = []
