"""JSON shapes of probable duplicates and of a merge request."""

from rest_framework import serializers

from clientes.api.serializers import MotivoDuplicadoSerializer, StrictFieldsMixin
from clientes.masking import CpfUse, cpf_for
from duplicates.services import MERGE_FIELDS

MAX_ID = 2**63 - 1  # bigint: larger ids are a 400, never a database error


def _client_id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class _ParClienteSerializer(serializers.Serializer):
    id_cliente = serializers.IntegerField(source="pk")
    nome_completo = serializers.CharField()
    cpf = serializers.SerializerMethodField()
    data_nascimento = serializers.DateField(allow_null=True)

    def get_cpf(self, cliente) -> str:
        # As a list shows it: always masked (the profile shows the full one).
        return cpf_for(None, cliente.cpf, CpfUse.LIST)


class ParDuplicadoSerializer(serializers.Serializer):
    """One pair of probable duplicates, with its score and reasons."""

    id = serializers.IntegerField()
    score = serializers.IntegerField(min_value=0, max_value=100)
    motivos = MotivoDuplicadoSerializer(many=True, source="motivos_data")
    cliente_a = _ParClienteSerializer()
    cliente_b = _ParClienteSerializer()
    encontrado_em = serializers.DateTimeField()


class MergeFieldsSerializer(StrictFieldsMixin, serializers.Serializer):
    """For each field, the id of the client whose value stays (this one or ``from``)."""

    cpf = _client_id(required=False)

    def get_fields(self):
        fields = super().get_fields()
        for name in MERGE_FIELDS:
            fields[name] = _client_id(required=False)
        return fields


class MergeSerializer(StrictFieldsMixin, serializers.Serializer):
    """Body of POST /clients/{id}/merge/: ``from`` is merged into ``{id}``."""

    def get_fields(self):
        # "from" is a Python keyword: declared here, not as a class attribute.
        return {
            "from": _client_id(help_text="Id do cliente que será incorporado (vira lápide)."),
            "fields": MergeFieldsSerializer(required=False),
        }
