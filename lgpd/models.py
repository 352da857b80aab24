"""The LGPD workbench: data subjects' requests, consents, blocks, legal holds, retention.

The client row itself carries the current state every read must honour
(``Cliente.bloqueado``, ``anonimizado_em``, ``consentimentos``); these models
keep the history, the reasons and the evidence (LGPD art. 37).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.br import mask_cpf, validate_cpf
from lgpd.choices import (
    OPEN_STATUSES,
    CanalSolicitacao,
    NascimentoAnonimizado,
    StatusSolicitacao,
    TipoSolicitacao,
)

DEFAULT_DEADLINE_DAYS = 15  # art. 19, II: the full access report within 15 days
DEFAULT_PURPOSES = ["marketing", "compartilhamento_parceiros"]

purpose_code = RegexValidator(
    r"^[a-z][a-z0-9_]{1,49}$",
    _("Use letras minúsculas, números e _ (ex.: marketing)."),
    code="finalidade_invalida",
)


def _default_deadlines():
    return dict.fromkeys(TipoSolicitacao.values, DEFAULT_DEADLINE_DAYS)


def _default_purposes():
    return list(DEFAULT_PURPOSES)


class ConfiguracaoLgpd(models.Model):
    """LGPD parameters the Encarregado sets in Configurações (a single row)."""

    prazos_dias = models.JSONField(
        _("prazo de resposta por tipo (dias)"), default=_default_deadlines
    )
    finalidades = ArrayField(
        models.CharField(max_length=50, validators=[purpose_code]),
        verbose_name=_("finalidades de consentimento"),
        default=_default_purposes,
    )
    retencao_ativa = models.BooleanField(
        _("anonimizar clientes inativos automaticamente"),
        default=False,
        help_text=_("Desligada: a tarefa diária só lista os candidatos (simulação)."),
    )
    retencao_anos = models.PositiveIntegerField(
        _("anos sem movimentação até anonimizar"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    nascimento_anonimizado = models.CharField(
        _("ao anonimizar, a data de nascimento"),
        max_length=10,
        choices=NascimentoAnonimizado.choices,
        default=NascimentoAnonimizado.REMOVER,
    )
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("configurações LGPD")
        verbose_name_plural = _("configurações LGPD")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="lgpd_configuracao_single_row"),
        ]

    def __str__(self):
        return str(_("Configurações LGPD"))

    @classmethod
    def current(cls) -> "ConfiguracaoLgpd":
        """Return the row, created with defaults if missing."""
        row, _created = cls.objects.get_or_create(pk=1)
        return row

    def prazo_dias(self, tipo: str) -> int:
        return int(self.prazos_dias.get(tipo, DEFAULT_DEADLINE_DAYS))


class SolicitacaoTitular(models.Model):
    """A data subject's request (LGPD art. 18), from receipt to the reasoned reply."""

    cpf = models.CharField(_("CPF do titular"), max_length=11, validators=[validate_cpf])
    cliente = models.ForeignKey(
        "clientes.Cliente",
        verbose_name=_("cliente"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="solicitacoes_lgpd",
    )
    tipo = models.CharField(_("tipo"), max_length=30, choices=TipoSolicitacao.choices)
    canal = models.CharField(_("canal"), max_length=20, choices=CanalSolicitacao.choices)
    descricao = models.TextField(_("descrição"), blank=True, max_length=4000)
    recebida_em = models.DateTimeField(_("recebida em"), default=timezone.now)
    prazo = models.DateField(_("prazo"))
    status = models.CharField(
        _("situação"),
        max_length=20,
        choices=StatusSolicitacao.choices,
        default=StatusSolicitacao.ABERTA,
    )
    resposta = models.TextField(_("resposta fundamentada"), blank=True, max_length=8000)
    # What the Encarregado produced for it: [{"acao", "em", "por", ...}] (reports, actions).
    producao = models.JSONField(_("o que foi produzido"), default=list, blank=True)
    responsavel = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsável"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    concluida_em = models.DateTimeField(_("concluída em"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("atualizada em"), auto_now=True)

    class Meta:
        verbose_name = _("solicitação de titular")
        verbose_name_plural = _("solicitações de titulares")
        ordering = ["prazo", "id"]
        permissions = [("atender_titular", _("Pode atender titulares de dados (LGPD)"))]
        indexes = [
            models.Index(fields=["status", "prazo"], name="lgpd_solicitacao_status_prazo"),
            models.Index(fields=["cpf"], name="lgpd_solicitacao_cpf"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cpf__regex=r"^\d{11}$"), name="lgpd_solicitacao_cpf_11_digits"
            ),
            models.CheckConstraint(
                condition=~Q(status=StatusSolicitacao.NEGADA) | ~Q(resposta=""),
                name="lgpd_solicitacao_negada_com_resposta",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_tipo_display()} ({mask_cpf(self.cpf)})"

    def get_absolute_url(self):
        return reverse("lgpd:request_detail", args=[self.pk])

    @property
    def cpf_mascarado(self) -> str:
        return mask_cpf(self.cpf)

    @property
    def aberta(self) -> bool:
        return self.status in OPEN_STATUSES

    def dias_restantes(self, today=None) -> int:
        return (self.prazo - (today or timezone.localdate())).days

    @property
    def atrasada(self) -> bool:
        return self.aberta and self.dias_restantes() < 0

    @staticmethod
    def prazo_para(tipo: str, recebida_em) -> "timezone.datetime":
        days = ConfiguracaoLgpd.current().prazo_dias(tipo)
        return timezone.localtime(recebida_em).date() + timedelta(days=days)


class Consentimento(models.Model):
    """One grant or revocation of consent for a purpose; the latest one is in force."""

    cliente = models.ForeignKey(
        "clientes.Cliente", on_delete=models.CASCADE, related_name="consentimentos_lgpd"
    )
    finalidade = models.CharField(_("finalidade"), max_length=50, validators=[purpose_code])
    concedido = models.BooleanField(_("concedido"))
    canal = models.CharField(_("canal"), max_length=20, choices=CanalSolicitacao.choices)
    evidencia = models.TextField(_("evidência"), blank=True, max_length=4000)
    registrado_em = models.DateTimeField(_("registrado em"), default=timezone.now)
    registrado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("consentimento")
        verbose_name_plural = _("consentimentos")
        ordering = ["-registrado_em", "-id"]
        indexes = [
            models.Index(
                fields=["cliente", "finalidade", "-registrado_em"], name="lgpd_consent_cliente"
            )
        ]

    def __str__(self):
        return f"{self.finalidade}: {'concedido' if self.concedido else 'revogado'}"


class Bloqueio(models.Model):
    """A period during which a client's record was blocked (art. 18, IV), with reasons."""

    cliente = models.ForeignKey("clientes.Cliente", on_delete=models.CASCADE, related_name="+")
    motivo = models.CharField(_("motivo do bloqueio"), max_length=500)
    bloqueado_em = models.DateTimeField(_("bloqueado em"), default=timezone.now)
    bloqueado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    desbloqueado_em = models.DateTimeField(_("desbloqueado em"), null=True, blank=True)
    desbloqueado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    motivo_desbloqueio = models.CharField(_("motivo do desbloqueio"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("bloqueio")
        verbose_name_plural = _("bloqueios")
        ordering = ["-bloqueado_em", "-id"]

    def __str__(self):
        return f"{self.cliente_id}: {self.motivo}"


class RetencaoLegalQuerySet(models.QuerySet):
    def vigentes(self, today=None):
        """Holds in force: not released and not past their end date."""
        today = today or timezone.localdate()
        return self.filter(encerrada_em__isnull=True, ate__gte=today)


class RetencaoLegal(models.Model):
    """A legal or regulatory duty to keep a client's data (art. 16, I).

    While in force the client can be neither anonymised nor deleted.
    """

    cliente = models.ForeignKey(
        "clientes.Cliente", on_delete=models.CASCADE, related_name="retencoes_legais"
    )
    motivo = models.CharField(_("motivo (obrigação legal)"), max_length=500)
    ate = models.DateField(_("até"))
    criada_em = models.DateTimeField(_("registrada em"), default=timezone.now)
    criada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    encerrada_em = models.DateTimeField(_("encerrada em"), null=True, blank=True)
    encerrada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RetencaoLegalQuerySet.as_manager()

    class Meta:
        verbose_name = _("retenção legal")
        verbose_name_plural = _("retenções legais")
        ordering = ["-criada_em", "-id"]
        indexes = [
            models.Index(
                fields=["cliente", "ate"],
                condition=Q(encerrada_em__isnull=True),
                name="lgpd_retencao_vigente",
            )
        ]

    def __str__(self):
        return f"{self.cliente_id}: {self.motivo} (até {self.ate:%d/%m/%Y})"

    @property
    def vigente(self) -> bool:
        return self.encerrada_em is None and self.ate >= timezone.localdate()


class ExecucaoRetencao(models.Model):
    """One run of the retention rule: who would be (or was) anonymised, and who was kept."""

    executada_em = models.DateTimeField(_("executada em"), default=timezone.now, db_index=True)
    simulacao = models.BooleanField(_("simulação"), default=True)
    anos = models.PositiveIntegerField(_("anos sem movimentação"))
    candidatos = models.PositiveIntegerField(_("candidatos"), default=0)
    retidos = models.PositiveIntegerField(_("mantidos por retenção legal"), default=0)
    anonimizados = models.PositiveIntegerField(_("anonimizados"), default=0)
    # The first candidates' ids, for the Encarregado to check (never personal data).
    amostra = ArrayField(models.BigIntegerField(), default=list, blank=True)
    duracao_ms = models.PositiveIntegerField(_("duração (ms)"), default=0)

    class Meta:
        verbose_name = _("execução da regra de retenção")
        verbose_name_plural = _("execuções da regra de retenção")
        ordering = ["-executada_em", "-id"]

    def __str__(self):
        return f"{self.executada_em:%Y-%m-%d %H:%M} {self.candidatos}"
