"""JSON shapes of the LGPD API. Serializers check the input's shape; services do the rest."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from clientes.api.serializers import IdentifierField, StrictFieldsMixin
from common.br import format_cpf
from lgpd.choices import CanalSolicitacao, StatusSolicitacao, TipoSolicitacao
from lgpd.models import Consentimento, RetencaoLegal, SolicitacaoTitular


class SolicitacaoSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A data subject's request; on POST only the subject, type, channel and text."""

    cpf = IdentifierField(max_length=20, help_text=_("CPF do titular, com ou sem máscara."))
    responsavel = serializers.SlugRelatedField(slug_field="email", read_only=True)
    atrasada = serializers.BooleanField(read_only=True)

    class Meta:
        model = SolicitacaoTitular
        fields = [
            "id", "cpf", "cliente", "tipo", "canal", "descricao", "recebida_em", "prazo",
            "status", "resposta", "producao", "responsavel", "concluida_em", "atrasada",
        ]  # fmt: skip
        read_only_fields = [
            "id", "cliente", "prazo", "status", "resposta", "producao", "concluida_em",
        ]  # fmt: skip
        extra_kwargs = {"recebida_em": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["cpf"] = format_cpf(instance.cpf)
        return data


class SolicitacaoUpdateSerializer(StrictFieldsMixin, serializers.Serializer):
    """PATCH of a request: its status and the reasoned reply."""

    status = serializers.ChoiceField(choices=StatusSolicitacao.choices, required=False)
    resposta = serializers.CharField(
        required=False, allow_blank=True, max_length=8000, trim_whitespace=True
    )


class MotivoSerializer(StrictFieldsMixin, serializers.Serializer):
    """Why: required for blocking, unblocking and anonymising."""

    motivo = serializers.CharField(max_length=500)
    solicitacao = serializers.IntegerField(
        required=False, min_value=1, help_text=_("Solicitação do titular atendida por esta ação.")
    )


class RetencaoLegalSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    vigente = serializers.BooleanField(read_only=True)

    class Meta:
        model = RetencaoLegal
        fields = ["id", "motivo", "ate", "criada_em", "encerrada_em", "vigente"]
        read_only_fields = ["id", "criada_em", "encerrada_em"]


class ConsentimentoSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    canal = serializers.ChoiceField(choices=CanalSolicitacao.choices)
    finalidade = serializers.CharField(max_length=50)
    registrado_por = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = Consentimento
        fields = [
            "id", "finalidade", "concedido", "canal", "evidencia", "registrado_em",
            "registrado_por",
        ]  # fmt: skip
        read_only_fields = ["id", "registrado_em"]


class ConsentimentosSerializer(serializers.Serializer):
    """The purposes in force and the whole history, newest first."""

    vigentes = serializers.ListField(child=serializers.CharField())
    historico = ConsentimentoSerializer(many=True)


class LgpdStatusSerializer(serializers.Serializer):
    """A client's LGPD state after an action (the ETag is its version)."""

    id_cliente = serializers.IntegerField()
    versao = serializers.IntegerField()
    bloqueado = serializers.BooleanField()
    anonimizado_em = serializers.DateTimeField(allow_null=True)
    consentimentos = serializers.ListField(child=serializers.CharField())
    retencao_legal = RetencaoLegalSerializer(allow_null=True)


# --- Data report: the documented, stable JSON of lgpd.report ---------------------


class _TitularSerializer(serializers.Serializer):
    id_cliente = serializers.IntegerField()
    cpf = serializers.CharField(help_text=_("Vazio para titular anonimizado."))
    nome_completo = serializers.CharField()
    nome_social = serializers.CharField()
    data_nascimento = serializers.DateField(allow_null=True)
    sexo = serializers.CharField()
    nome_mae = serializers.CharField()
    email = serializers.CharField()
    ativo = serializers.BooleanField()
    motivo_inativacao = serializers.CharField()
    bloqueado = serializers.BooleanField()
    anonimizado_em = serializers.DateTimeField(allow_null=True)
    cadastrado_em = serializers.DateTimeField()
    atualizado_em = serializers.DateTimeField()


class _EnderecoSerializer(serializers.Serializer):
    cep = serializers.CharField()
    logradouro = serializers.CharField()
    numero = serializers.CharField()
    complemento = serializers.CharField()
    bairro = serializers.CharField()
    cidade = serializers.CharField()
    uf = serializers.CharField()
    principal = serializers.BooleanField()


class _TelefoneSerializer(serializers.Serializer):
    tipo = serializers.CharField()
    numero = serializers.CharField()
    principal = serializers.BooleanField()


class _ConsentHistorySerializer(serializers.Serializer):
    finalidade = serializers.CharField()
    concedido = serializers.BooleanField()
    canal = serializers.CharField()
    evidencia = serializers.CharField()
    registrado_em = serializers.DateTimeField()


class _ReportConsentsSerializer(serializers.Serializer):
    vigentes = serializers.ListField(child=serializers.CharField())
    historico = _ConsentHistorySerializer(many=True)


class _ReportHoldSerializer(serializers.Serializer):
    motivo = serializers.CharField()
    ate = serializers.DateField()
    registrada_em = serializers.DateTimeField()
    encerrada_em = serializers.DateTimeField(allow_null=True)


class _ReportRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    tipo = serializers.ChoiceField(choices=TipoSolicitacao.choices)
    canal = serializers.ChoiceField(choices=CanalSolicitacao.choices)
    recebida_em = serializers.DateTimeField()
    prazo = serializers.DateField()
    status = serializers.ChoiceField(choices=StatusSolicitacao.choices)
    resposta = serializers.CharField()


class _ReportEventSerializer(serializers.Serializer):
    em = serializers.DateTimeField()
    acao = serializers.CharField(help_text=_("Código estável da ação, ex.: cliente.view"))
    descricao = serializers.CharField()
    usuario = serializers.CharField(help_text=_("E-mail de quem agiu; 'system' para tarefas."))
    papel = serializers.CharField()
    canal = serializers.CharField()


class _ReportChangeSerializer(_ReportEventSerializer):
    alteracoes = serializers.DictField(
        help_text=_("Por campo: {before, after}."), child=serializers.JSONField()
    )


class DataReportSerializer(serializers.Serializer):
    """Everything held about a data subject (schema gestao-clientes/relatorio-titular/v1)."""

    schema = serializers.CharField()
    gerado_em = serializers.DateTimeField()
    titular = _TitularSerializer()
    enderecos = _EnderecoSerializer(many=True)
    telefones = _TelefoneSerializer(many=True)
    consentimentos = _ReportConsentsSerializer()
    retencoes_legais = _ReportHoldSerializer(many=True)
    solicitacoes = _ReportRequestSerializer(many=True)
    alteracoes = _ReportChangeSerializer(many=True)
    acessos = _ReportEventSerializer(many=True)
