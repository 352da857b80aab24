"""The filters of the audit trail: one FilterSet for the page, the CSV and the API."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import hooks
from audit.choices import Action
from audit.models import AuditEvent
from audit.network import parse_ip
from common.br import only_digits

CLIENTE_TARGET = "clientes.cliente"
# Users a partial name or e-mail may stand for: beyond this, refine the text.
MAX_MATCHED_USERS = 500


def _local_midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


class AuditEventFilterForm(forms.Form):
    """Validate the filters together, with pt-BR messages per field."""

    def clean_cliente(self):
        value = (self.cleaned_data.get("cliente") or "").strip()
        if value and not (value.isdigit() and len(value) <= 18) and len(only_digits(value)) != 11:
            raise ValidationError(_("Informe o código do cliente ou um CPF com 11 dígitos."))
        return value

    def clean_ip(self):
        value = (self.cleaned_data.get("ip") or "").strip()
        if value and parse_ip(value) is None:
            raise ValidationError(_("Informe um endereço IP válido."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("desde") and data.get("ate") and data["ate"] < data["desde"]:
            self.add_error("ate", _("A data final não pode ser anterior à inicial."))
        return data


class AuditEventFilterSet(django_filters.FilterSet):
    """Filter events by user, action, client, date range (local dates) and IP."""

    usuario = django_filters.CharFilter(
        label=_("Usuário (parte do nome ou do e-mail)"), method="filter_usuario", max_length=254
    )
    acao = django_filters.ChoiceFilter(
        label=_("Ação"), field_name="action", choices=Action.choices, empty_label=_("Todas")
    )
    cliente = django_filters.CharFilter(
        label=_("Cliente (código ou CPF)"), method="filter_cliente", max_length=20
    )
    desde = django_filters.DateFilter(
        label=_("De"), method="filter_desde", widget=forms.DateInput(attrs={"type": "date"})
    )
    ate = django_filters.DateFilter(
        label=_("Até"), method="filter_ate", widget=forms.DateInput(attrs={"type": "date"})
    )
    ip = django_filters.CharFilter(label=_("IP"), method="filter_ip", max_length=45)

    class Meta:
        model = AuditEvent
        fields = ["usuario", "acao", "cliente", "desde", "ate", "ip"]
        form = AuditEventFilterForm

    def filter_usuario(self, queryset, name, value):
        # Part of a name or e-mail is looked up in the (small) user table; the
        # trail is then read by exact e-mails on its (actor_email, time) index,
        # never by a LIKE over millions of rows. The text itself also matches
        # as a whole e-mail: "system" and deleted users' addresses.
        text = value.strip()
        users = get_user_model().objects.filter(Q(nome__icontains=text) | Q(email__icontains=text))
        emails = {text.lower(), *users.values_list("email", flat=True)[:MAX_MATCHED_USERS]}
        return queryset.filter(actor_email__in=sorted(emails))

    def filter_cliente(self, queryset, name, value):
        digits = only_digits(value)
        if value.isdigit() and len(value) != 11:
            cliente_id = int(value)
        else:
            cliente = hooks.find_target(
                CLIENTE_TARGET, user=getattr(self.request, "user", None), key=digits
            )
            if cliente is None:
                return queryset.none()
            cliente_id = cliente.pk
        return queryset.filter(target_type=CLIENTE_TARGET, target_id=str(cliente_id))

    def filter_desde(self, queryset, name, value):
        return queryset.filter(occurred_at__gte=_local_midnight(value))

    def filter_ate(self, queryset, name, value):
        return queryset.filter(occurred_at__lt=_local_midnight(value + timedelta(days=1)))

    def filter_ip(self, queryset, name, value):
        return queryset.filter(ip=str(parse_ip(value)))
