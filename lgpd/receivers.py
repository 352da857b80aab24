"""Model signals of the lgpd app: a legal hold refuses the client's deletion."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _

from clientes.models import Cliente
from lgpd.models import RetencaoLegal


def legal_hold_message(hold: RetencaoLegal) -> str:
    return _("Cliente sob retenção legal até %(ate)s: %(motivo)s") % {
        "ate": hold.ate.strftime("%d/%m/%Y"),
        "motivo": hold.motivo,
    }


def _refuse_delete_under_hold(sender, instance, **kwargs):
    # A signal, not a check in clientes.services: the admin, cascades and any
    # future path that deletes a client all pass here (art. 16, I).
    hold = RetencaoLegal.objects.vigentes().filter(cliente_id=instance.pk).first()
    if hold is not None:
        raise ValidationError(
            {NON_FIELD_ERRORS: ValidationError(legal_hold_message(hold), code="retencao_legal")}
        )


def connect() -> None:
    """Connect the receivers (called once, from LgpdConfig.ready)."""
    pre_delete.connect(
        _refuse_delete_under_hold, sender=Cliente, dispatch_uid="lgpd-refuse-delete-under-hold"
    )
