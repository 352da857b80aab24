"""What a data subject may ask (LGPD art. 18), how, and where the request stands."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TipoSolicitacao(models.TextChoices):
    """The rights of LGPD art. 18 a request exercises. Values are stored and public (API)."""

    CONFIRMACAO = "confirmacao", _("Confirmação de tratamento")
    ACESSO = "acesso", _("Acesso aos dados")
    CORRECAO = "correcao", _("Correção de dados")
    ANONIMIZACAO = "anonimizacao", _("Anonimização")
    BLOQUEIO = "bloqueio", _("Bloqueio")
    ELIMINACAO = "eliminacao", _("Eliminação")
    PORTABILIDADE = "portabilidade", _("Portabilidade")
    COMPARTILHAMENTO = "compartilhamento", _("Informação sobre compartilhamento")
    REVOGACAO_CONSENTIMENTO = "revogacao_consentimento", _("Revogação de consentimento")


class CanalSolicitacao(models.TextChoices):
    EMAIL = "email", _("E-mail")
    TELEFONE = "telefone", _("Telefone")
    PRESENCIAL = "presencial", _("Presencial")
    CARTA = "carta", _("Carta")
    SITE = "site", _("Site / formulário")
    OUTRO = "outro", _("Outro")


class StatusSolicitacao(models.TextChoices):
    ABERTA = "aberta", _("Aberta")
    EM_ANDAMENTO = "em_andamento", _("Em andamento")
    ATENDIDA = "atendida", _("Atendida")
    NEGADA = "negada", _("Negada")


OPEN_STATUSES = (StatusSolicitacao.ABERTA, StatusSolicitacao.EM_ANDAMENTO)


class NascimentoAnonimizado(models.TextChoices):
    """What anonymisation keeps of a birth date."""

    REMOVER = "remover", _("Remover a data")
    ANO = "ano", _("Manter só o ano")
    DECADA = "decada", _("Manter só a década (faixa de 10 anos)")
