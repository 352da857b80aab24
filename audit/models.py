"""The audit trail: one append-only row per audited operation.

Rows are never changed or deleted by the application: the model, its manager
and the admin refuse, and a PostgreSQL trigger (migration 0002) rejects
UPDATE and DELETE unless the retention purge (``audit_purge_before``) runs.
"""

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.choices import Action, Channel

APPEND_ONLY_MESSAGE = "Audit events are append-only: they cannot be changed or deleted."


class AuditEventQuerySet(models.QuerySet):
    """Reads only: bulk updates and deletes are refused before reaching SQL."""

    def update(self, **kwargs):
        raise PermissionDenied(APPEND_ONLY_MESSAGE)

    def delete(self):
        raise PermissionDenied(APPEND_ONLY_MESSAGE)

    update.queryset_only = True
    delete.queryset_only = True


class AuditEvent(models.Model):
    """Who did what, to which object, when, from where: one audited operation.

    The actor is copied (id, e-mail, role) instead of referenced, so the trail
    survives a user's deletion and never has to be rewritten (append-only).
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(_("quando"), default=timezone.now)
    actor_id = models.BigIntegerField(_("id do usuário"), null=True, blank=True)
    # Lower-case e-mail, "system" for tasks/commands, "" for anonymous requests.
    actor_email = models.CharField(_("usuário"), max_length=254, blank=True)
    actor_role = models.CharField(_("papel"), max_length=30, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    user_agent = models.CharField(_("navegador"), max_length=512, blank=True)
    request_id = models.CharField(_("id da requisição"), max_length=64, blank=True)
    # Values of audit.choices.Channel / Action. Not declared as ``choices``:
    # a new action must not need a migration of a 10-million-row table.
    channel = models.CharField(_("canal"), max_length=10)
    action = models.CharField(_("ação"), max_length=40)
    # "app_label.model" and primary key of the object acted upon, if any.
    target_type = models.CharField(_("tipo do objeto"), max_length=60, blank=True)
    target_id = models.CharField(_("id do objeto"), max_length=64, blank=True)
    target_label = models.CharField(_("objeto"), max_length=255, blank=True)
    details = models.JSONField(_("detalhes"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("evento de auditoria")
        verbose_name_plural = _("eventos de auditoria")
        ordering = ["-occurred_at", "-id"]
        default_permissions = ("view",)
        indexes = [
            # Every query of the audit page and API is "a time range, newest
            # first", alone or with one of these filters.
            models.Index(fields=["-occurred_at", "-id"], name="audit_time_idx"),
            models.Index(fields=["actor_email", "-occurred_at"], name="audit_actor_time_idx"),
            models.Index(
                fields=["target_type", "target_id", "-occurred_at"], name="audit_target_time_idx"
            ),
            models.Index(fields=["action", "-occurred_at"], name="audit_action_time_idx"),
            models.Index(fields=["ip", "-occurred_at"], name="audit_ip_time_idx"),
            models.Index(fields=["request_id"], name="audit_request_idx"),
        ]

    def __str__(self):
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_email or '-'} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied(APPEND_ONLY_MESSAGE)
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied(APPEND_ONLY_MESSAGE)

    @property
    def action_label(self) -> str:
        """Return the pt-BR name of the action (the raw value if unknown)."""
        try:
            return Action(self.action).label
        except ValueError:
            return self.action

    @property
    def channel_label(self) -> str:
        try:
            return Channel(self.channel).label
        except ValueError:
            return self.channel
