"""JSON shape of a client: field names follow the data model.

Serializers only parse and check the shape of the input (types, lengths,
formats, unknown fields); every write, and the rules that need the database
(CPF uniqueness, the version check), go through ``clientes.services``.
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings

from clientes.choices import UF, Sexo, TipoTelefone
from clientes.masking import CpfUse, can_see_full_cpf, cpf_for
from clientes.models import Cliente, Endereco, Telefone
from clientes.validators import validate_data_nascimento, validate_nome
from common.br import (
    format_cep,
    format_cpf,
    format_phone,
    normalize_cep,
    normalize_cpf,
    normalize_phone,
)


def _django_rule(check):
    """Run a ``common.br``/``validators`` check, keeping its message and code."""

    def run(value):
        try:
            return check(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.error_list[0].code) from exc

    return run


# The written forms the API accepts, enforced here so the OpenAPI schema states
# them as ``pattern`` (drf-spectacular reads RegexValidator). ASCII classes:
# Python's \d and \s also match other scripts' digits and spaces, JSON Schema's
# differ. What a pattern cannot say (check digits, area codes) stays in
# ``common.br``.
CPF_PATTERN = r"^[0-9]{3}\.?[0-9]{3}\.?[0-9]{3}-?[0-9]{2}$"
CEP_PATTERN = r"^[0-9]{5}-?[0-9]{3}$"
PHONE_PATTERN = r"^(\+55 ?)?(\([0-9]{2}\) ?|[0-9]{2} ?)[0-9]{4,5}[- ]?[0-9]{4}$"
# No control characters but tab and line breaks (clientes.validators.validate_texto).
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"


def _pattern(regex: str, message, code: str = "invalid") -> RegexValidator:
    return RegexValidator(regex, message=message, code=code)


TEXT_VALIDATOR = _pattern(
    TEXT_PATTERN, _("O texto contém caracteres de controle não permitidos."), "texto_invalido"
)


class IdentifierField(serializers.CharField):
    """A CPF/CEP/phone: only a JSON string (a number would lose leading zeros)."""

    default_error_messages = {"invalid": _("Envie como texto (entre aspas), não como número.")}

    def __init__(self, *, pattern=None, pattern_message=None, pattern_code="invalid", **kwargs):
        if pattern is not None:
            kwargs["validators"] = [_pattern(pattern, pattern_message, pattern_code)]
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# Names of the serializers that refuse unknown fields: their request schemas
# say so (additionalProperties: false, clientes.api.openapi).
STRICT_SERIALIZERS: set[str] = set()


class StrictFieldsMixin:
    """Refuse fields the API does not know instead of silently ignoring them."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        STRICT_SERIALIZERS.add(cls.__name__)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                # A non-field error: an unknown name is no attribute the schema could list.
                raise serializers.ValidationError(
                    {
                        api_settings.NON_FIELD_ERRORS_KEY: [
                            serializers.ErrorDetail(
                                _("Campos desconhecidos ou somente leitura: %(campos)s.")
                                % {"campos": ", ".join(unknown)},
                                code="campo_desconhecido",
                            )
                        ]
                    }
                )
        return super().to_internal_value(data)


class FieldsOnceMixin:
    """Build a ModelSerializer's fields once per class; every instance gets a copy.

    ``ModelSerializer.get_fields`` inspects the model and builds every field
    from scratch on each serializer instance (and each nested one): most of a
    profile GET's serialization CPU. The answer depends only on the class
    (Meta and declared fields), so it is built once; each instance still gets
    fresh, unbound fields (DRF's own deep copy re-instantiates them, as
    ``Serializer.get_fields`` does with declared fields), so nothing bound to
    one request (parent, context, read_only set per user) is shared.
    """

    def get_fields(self):
        cls = type(self)
        template = cls.__dict__.get("_fields_template")
        if template is None:
            template = super().get_fields()
            cls._fields_template = template
        return copy.deepcopy(template)


class EnderecoSerializer(FieldsOnceMixin, StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1,
        help_text=_("Envie o id para alterar um endereço existente; sem id, um novo é criado."),
    )  # fmt: skip
    cep = IdentifierField(
        max_length=9,
        pattern=CEP_PATTERN,
        pattern_message=_("CEP deve ter 8 dígitos, ex.: 01310-100."),
        pattern_code="cep_invalid",
        help_text=_("8 dígitos, com ou sem máscara."),
    )
    cep_formatado = serializers.SerializerMethodField()
    uf = serializers.ChoiceField(choices=UF.choices)

    class Meta:
        model = Endereco
        fields = [
            "id", "cep", "cep_formatado", "logradouro", "numero", "complemento", "bairro",
            "cidade", "uf", "principal",
        ]  # fmt: skip
        extra_kwargs = {
            name: {"validators": [TEXT_VALIDATOR]}
            for name in ("logradouro", "numero", "complemento", "bairro", "cidade")
        }

    def get_cep_formatado(self, obj) -> str:
        return format_cep(obj.cep)

    def validate_cep(self, value):
        return _django_rule(normalize_cep)(value)


class TelefoneSerializer(FieldsOnceMixin, StrictFieldsMixin, serializers.ModelSerializer):
    id = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1,
        help_text=_("Envie o id para alterar um telefone existente; sem id, um novo é criado."),
    )  # fmt: skip
    tipo = serializers.ChoiceField(choices=TipoTelefone.choices)
    numero = IdentifierField(
        max_length=20,
        pattern=PHONE_PATTERN,
        pattern_message=_("Telefone deve ter DDD e 8 ou 9 dígitos, ex.: (11) 99999-9999."),
        pattern_code="phone_length",
        help_text=_("DDD + 8 (fixo) ou 9 (celular) dígitos, com ou sem máscara."),
    )
    numero_formatado = serializers.SerializerMethodField()

    class Meta:
        model = Telefone
        fields = ["id", "tipo", "numero", "numero_formatado", "principal"]

    def get_numero_formatado(self, obj) -> str:
        return format_phone(obj.numero)

    def validate_numero(self, value):
        return _django_rule(normalize_phone)(value)


class ClienteSerializer(FieldsOnceMixin, StrictFieldsMixin, serializers.ModelSerializer):
    cpf = IdentifierField(
        max_length=14,
        pattern=CPF_PATTERN,
        pattern_message=_("CPF deve ter 11 dígitos, com ou sem máscara (000.000.000-00)."),
        pattern_code="cpf_length",
        help_text=_("11 dígitos, com ou sem máscara (000.000.000-00)."),
    )
    cpf_formatado = serializers.SerializerMethodField()
    nome_completo = serializers.CharField(
        max_length=255, validators=[TEXT_VALIDATOR, _django_rule(validate_nome)]
    )
    sexo = serializers.ChoiceField(choices=Sexo.choices, required=False, allow_blank=True)
    data_nascimento = serializers.DateField(
        required=False, allow_null=True, validators=[_django_rule(validate_data_nascimento)]
    )
    idade = serializers.SerializerMethodField()
    created_by = serializers.SerializerMethodField()
    updated_by = serializers.SerializerMethodField()
    enderecos = EnderecoSerializer(many=True, required=False, max_length=10)
    telefones = TelefoneSerializer(many=True, required=False, max_length=10)

    class Meta:
        model = Cliente
        fields = [
            "id_cliente", "cpf", "cpf_formatado", "nome_completo", "nome_social",
            "data_nascimento", "idade", "sexo", "nome_mae", "email", "ativo",
            "motivo_inativacao", "enderecos", "telefones", "versao", "created_at",
            "created_by", "updated_at", "updated_by",
        ]  # fmt: skip
        read_only_fields = ["ativo", "motivo_inativacao", "versao", "created_at", "updated_at"]
        extra_kwargs = {
            "nome_social": {"validators": [TEXT_VALIDATOR]},
            "nome_mae": {"validators": [TEXT_VALIDATOR]},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if isinstance(self.instance, Cliente) and not can_see_full_cpf(
            getattr(request, "user", None)
        ):
            # Who sees a masked CPF cannot change it: a PUT may leave it out.
            self.fields["cpf"].read_only = True

    def get_cpf_formatado(self, obj) -> str:
        return format_cpf(obj.cpf)

    def to_representation(self, instance):
        """Show the CPF as clientes.masking allows: masked in lists, full on the
        profile only with "ver CPF completo"."""
        data = super().to_representation(instance)
        use = self.context.get("cpf_use", CpfUse.PROFILE)
        request = self.context.get("request")
        shown = cpf_for(getattr(request, "user", None), instance.cpf, use)
        if shown != format_cpf(instance.cpf):
            data["cpf"] = data["cpf_formatado"] = shown
        return data

    def get_idade(self, obj) -> int | None:
        return obj.idade()

    def get_created_by(self, obj) -> str | None:
        return obj.created_by.get_full_name() if obj.created_by_id else None

    def get_updated_by(self, obj) -> str | None:
        return obj.updated_by.get_full_name() if obj.updated_by_id else None

    def validate_cpf(self, value):
        return _django_rule(normalize_cpf)(value)

    def service_kwargs(self) -> dict:
        """Split validated data into the arguments of the client services."""
        data = dict(self.validated_data)
        kwargs = {}
        for name in ("enderecos", "telefones"):
            if name in data:
                kwargs[name] = [dict(item) for item in data.pop(name)]
        return {"data": data, **kwargs}


class DeactivateSerializer(StrictFieldsMixin, serializers.Serializer):
    motivo_inativacao = serializers.CharField(max_length=255, validators=[TEXT_VALIDATOR])


class ClienteResultSerializer(serializers.Serializer):
    """One client as lists show it (search results, the list API): never the profile."""

    id_cliente = serializers.IntegerField()
    cpf = serializers.CharField(help_text=_("Sempre mascarado em listas: ***.456.789-**."))
    nome_completo = serializers.CharField()
    data_nascimento = serializers.DateField(allow_null=True)
    idade = serializers.IntegerField(allow_null=True)
    cidade = serializers.CharField(allow_null=True, help_text=_("Do endereço principal."))
    uf = serializers.CharField(allow_null=True)
    ativo = serializers.BooleanField()
    sexo = serializers.CharField()
    grafia_semelhante = serializers.BooleanField(
        help_text=_(
            "Encontrado só por grafia semelhante do nome (Souza/Sousa, Thaís/Thays); "
            "vem depois dos de grafia exata na ordem por relevância."
        )
    )


def result_row(row: dict) -> dict:
    """Return a search row (``selectors.ROW_FIELDS`` + idade) as the API shows it."""
    return {
        **row,
        # Lists show masked CPFs to everyone (clientes.masking).
        "cpf": cpf_for(None, row["cpf"], CpfUse.LIST),
        "data_nascimento": row["data_nascimento"].isoformat() if row["data_nascimento"] else None,
    }


class MotivoDuplicadoSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Regra: cpf_digito, nome_nascimento, ..."))
    label = serializers.CharField()


class PossivelDuplicadoSerializer(serializers.Serializer):
    """A client the saved data probably duplicates (``selectors.possible_duplicates``)."""

    id_cliente = serializers.IntegerField()
    nome_completo = serializers.CharField()
    cpf = serializers.CharField(help_text=_("Completo só com a permissão de ver CPF completo."))
    score = serializers.IntegerField(min_value=0, max_value=100)
    motivos = MotivoDuplicadoSerializer(many=True)


class ClienteGravadoSerializer(ClienteSerializer):
    """The client just created or changed, with the clients it probably duplicates."""

    possiveis_duplicados = PossivelDuplicadoSerializer(
        many=True,
        read_only=True,
        help_text=_(
            "Aviso, sem bloquear a gravação: clientes que os dados gravados provavelmente "
            "duplicam (mesmas regras de /clients/duplicates/)."
        ),
    )

    class Meta(ClienteSerializer.Meta):
        fields = [*ClienteSerializer.Meta.fields, "possiveis_duplicados"]
