from datetime import UTC

from rest_framework import serializers

from audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    """One audit event; ``occurred_at`` in UTC (ISO 8601)."""

    occurred_at = serializers.DateTimeField(default_timezone=UTC, format=None)
    action_label = serializers.CharField(read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor_id",
            "actor_email",
            "actor_role",
            "ip",
            "user_agent",
            "request_id",
            "channel",
            "action",
            "action_label",
            "target_type",
            "target_id",
            "target_label",
            "details",
        ]
        read_only_fields = fields
