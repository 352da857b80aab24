"""The one FilterSet of clients: the search screen, the API and exports use it.

Every parameter name here is public (URLs of the search screen, the API and the
filters stored with export jobs). Query logic lives in the ``clientes.search`` package.
"""

import copy
from collections.abc import Mapping

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from clientes.choices import UF, Sexo
from clientes.models import Cliente
from clientes.search import matching, parsing, sorting
from common.br import only_digits

STATUS_CHOICES = [("ativo", _("Ativos")), ("inativo", _("Inativos")), ("todos", _("Todos"))]
DEFAULT_STATUS = "todos"
PRINCIPAL_ADDRESS = "principal"
ADDRESS_CHOICES = [(PRINCIPAL_ADDRESS, _("Só o endereço principal"))]

ORDERING_CHOICES = [(sorting.RELEVANCE, _("relevância"))] + [
    (name, label)
    for column, column_label in [
        ("nome_completo", _("nome")),
        ("cpf", _("CPF")),
        ("idade", _("idade")),
        ("data_nascimento", _("data de nascimento")),
        ("created_at", _("data de cadastro")),
        ("id_cliente", _("código")),
        ("cidade", _("cidade")),
        ("status", _("status")),
    ]
    for name, label in [
        (column, _("%(coluna)s (crescente)") % {"coluna": column_label}),
        (f"-{column}", _("%(coluna)s (decrescente)") % {"coluna": column_label}),
    ]
]

# Parameters that narrow a search; status, sexo and ordering alone only
# reorder or split "everyone", which the screen does not list.
NARROWING = (
    "q",
    "cpf",
    "nome",
    "nome_mae",
    "cidade",
    "uf",
    "idade_min",
    "idade_max",
    "email",
    "telefone",
    "cep",
    "criado_de",
    "criado_ate",
    "data_nascimento",
)
# Birth dates as analysts type them, whatever the request's language.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
NO_WORD_MESSAGE = _("Digite ao menos uma letra ou um número.")


def _has_word(value: str) -> bool:
    """Return True when ``value`` folds to some word (not only punctuation)."""
    return bool(parsing.fold(value))


class ClienteSearchForm(forms.Form):
    """Cross-field rules of a search, with messages for the user."""

    def clean_q(self):
        value = self.cleaned_data.get("q") or ""
        box = parsing.parse_box(value)
        if not value or box.kind != parsing.NAME:
            return value
        if box.bad_date:
            raise ValidationError(
                _("Data de nascimento inválida: use dd/mm/aaaa, ex.: 12/04/1985."), code="date"
            )
        if box.date_count > 1:
            raise ValidationError(_("Digite uma só data de nascimento."), code="date")
        if not (_has_word(box.name) or box.data_nascimento or box.nome_mae):
            raise ValidationError(NO_WORD_MESSAGE, code="no_word")
        return value

    def _clean_name(self, name: str) -> str:
        value = self.cleaned_data.get(name) or ""
        if value and not _has_word(value):
            raise ValidationError(NO_WORD_MESSAGE, code="no_word")
        return value

    def clean_nome(self):
        return self._clean_name("nome")

    def clean_nome_mae(self):
        return self._clean_name("nome_mae")

    def clean_cidade(self):
        return self._clean_name("cidade")

    def clean_cpf(self):
        value = self.cleaned_data.get("cpf") or ""
        digits = only_digits(value)
        if value and (not digits or len(digits) > 11 or not parsing.looks_like_identifier(value)):
            raise ValidationError(
                _("CPF deve ter até 11 dígitos (com ou sem pontos e traço)."), code="cpf"
            )
        return value

    def clean_telefone(self):
        value = self.cleaned_data.get("telefone") or ""
        digits = only_digits(value)
        if value and (
            not parsing.looks_like_identifier(value) or matching.phone_condition(digits) is None
        ):
            raise ValidationError(
                _("Telefone deve ter 8 a 11 dígitos, com ou sem DDD, ex.: (11) 99999-9999."),
                code="telefone",
            )
        return value

    def clean_cep(self):
        value = self.cleaned_data.get("cep") or ""
        digits = only_digits(value)
        if value and (not parsing.looks_like_identifier(value) or not 2 <= len(digits) <= 8):
            raise ValidationError(_("CEP deve ter de 2 a 8 dígitos, ex.: 01310-100."), code="cep")
        return value

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("idade_min"), cleaned.get("idade_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "idade_max",
                ValidationError(
                    _("A idade máxima deve ser maior ou igual à idade mínima."),
                    code="intervalo_invalido",
                ),
            )
        start, end = cleaned.get("criado_de"), cleaned.get("criado_ate")
        if start and end and start > end:
            self.add_error(
                "criado_ate",
                ValidationError(
                    _("A data final deve ser igual ou posterior à inicial."),
                    code="intervalo_invalido",
                ),
            )
        return cleaned


class _ShallowFilterCopies(dict):
    """``base_filters`` whose deep copy (one per search) copies each filter shallowly.

    django-filter deep-copies every declared filter for every FilterSet, lazy
    labels and choice lists included: about a tenth of an API search's CPU.
    A FilterSet sets only ``model`` and ``parent`` on its copies (and a cached
    ``_field``, never present on the declared filters, which are never bound),
    and a ``method`` filter's FilterMethod points back at its own filter;
    what the copies share (labels, ``extra``, choices) is read, never written.
    """

    def __deepcopy__(self, memo):
        return {name: _copy_filter(filter_) for name, filter_ in self.items()}


def _copy_filter(filter_):
    # copy.copy without its generic __reduce_ex__ path (filters are plain objects).
    clone = object.__new__(type(filter_))
    clone.__dict__.update(filter_.__dict__)
    if clone.method is not None:
        # Setting ``method`` binds a new FilterMethod to the copy (the shallow
        # copy's still points at the declared filter, which has no parent).
        clone.method = clone.method
    return clone


class _FieldsSharingChoices(dict):
    """A form class' ``base_fields`` whose per-form deep copy shares the choice lists.

    Django deep-copies every field of every form, and a ``ChoiceField`` its
    list of (value, lazy label) pairs: the bulk of that copy. The lists here
    are module constants (UFs, sexes, statuses, orderings); setting a field's
    ``choices`` replaces its list, so sharing them cannot leak between forms.
    Everything else is copied exactly as Django copies it.
    """

    def __deepcopy__(self, memo):
        for field in self.values():
            choices = getattr(field, "_choices", None)
            if choices is not None:
                memo[id(choices)] = choices
        return {name: copy.deepcopy(field, memo) for name, field in self.items()}


class ClienteFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        label=_("Pesquisar"),
        max_length=200,
        help_text=_("CPF, nome, telefone ou e-mail"),
    )
    cpf = django_filters.CharFilter(method="filter_cpf", label=_("CPF"), max_length=20)
    nome = django_filters.CharFilter(method="filter_nome", label=_("Nome"), max_length=200)
    nome_mae = django_filters.CharFilter(
        method="filter_nome_mae", label=_("Nome da mãe"), max_length=200
    )
    cidade = django_filters.CharFilter(method="filter_cidade", label=_("Cidade"), max_length=100)
    uf = django_filters.ChoiceFilter(method="filter_uf", choices=UF.choices, label=_("UF"))
    # City/UF match any of a client's addresses unless "principal": the table
    # and the UF category show the principal address, and a click on a
    # category asks for it, so its count and its results agree.
    endereco = django_filters.ChoiceFilter(
        method="filter_endereco",
        choices=ADDRESS_CHOICES,
        label=_("Endereço"),
        empty_label=_("Qualquer endereço"),
    )
    idade_min = django_filters.NumberFilter(
        method="filter_idade_min", label=_("Idade mínima"), min_value=0, max_value=130
    )
    idade_max = django_filters.NumberFilter(
        method="filter_idade_max", label=_("Idade máxima"), min_value=0, max_value=130
    )
    status = django_filters.ChoiceFilter(
        method="filter_status", choices=STATUS_CHOICES, label=_("Status"), empty_label=None
    )
    sexo = django_filters.ChoiceFilter(field_name="sexo", choices=Sexo.choices, label=_("Sexo"))
    email = django_filters.CharFilter(method="filter_email", label=_("E-mail"), max_length=254)
    telefone = django_filters.CharFilter(
        method="filter_telefone", label=_("Telefone"), max_length=25
    )
    cep = django_filters.CharFilter(method="filter_cep", label=_("CEP"), max_length=12)
    criado_de = django_filters.DateFilter(method="filter_criado_de", label=_("Cadastrado de"))
    criado_ate = django_filters.DateFilter(method="filter_criado_ate", label=_("Cadastrado até"))
    data_nascimento = django_filters.DateFilter(
        method="filter_data_nascimento",
        label=_("Data de nascimento"),
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("dd/mm/aaaa ou aaaa-mm-dd"),
    )
    ordering = django_filters.ChoiceFilter(
        method="filter_ordering", choices=ORDERING_CHOICES, label=_("Ordenação")
    )
    # LGPD: clients currently consenting to a purpose (codes set in Configurações LGPD).
    consentimento = django_filters.CharFilter(
        method="filter_consentimento",
        label=_("Consentimento vigente"),
        max_length=50,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]{1,49}$",
                _("Finalidade inválida (ex.: marketing)."),
                code="finalidade_invalida",
            )
        ],
    )

    class Meta:
        model = Cliente
        fields = []
        form = ClienteSearchForm

    def __init__(self, *args, cpf_prefix: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # False for users who see masked CPFs: digits match a CPF only whole.
        self.cpf_prefix = cpf_prefix

    def get_form_class(self):
        # One form class per FilterSet class: django-filter builds a new one
        # (and a new form field per filter) for every search otherwise, a
        # measurable share of a CPF lookup.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            form_class = super().get_form_class()
            form_class.base_fields = _FieldsSharingChoices(form_class.base_fields)
            cls._form_class = form_class
        return cls._form_class

    def filter_q(self, queryset, name, value):
        return matching.by_query(queryset, parsing.parse_box(value), cpf_prefix=self.cpf_prefix)

    def filter_cpf(self, queryset, name, value):
        return matching.by_cpf(queryset, value)

    def filter_nome(self, queryset, name, value):
        return matching.by_name(queryset, value)

    def filter_nome_mae(self, queryset, name, value):
        return matching.by_mother_name(queryset, value)

    def filter_cidade(self, queryset, name, value):
        return queryset  # with uf, in filter_queryset: one address must match both

    def filter_uf(self, queryset, name, value):
        return queryset

    def filter_endereco(self, queryset, name, value):
        return queryset  # how city/UF match, in filter_queryset

    def filter_status(self, queryset, name, value):
        return matching.by_status(queryset, value)

    def filter_idade_min(self, queryset, name, value):
        return matching.by_min_age(queryset, int(value))

    def filter_idade_max(self, queryset, name, value):
        return matching.by_max_age(queryset, int(value))

    def filter_email(self, queryset, name, value):
        return matching.by_email(queryset, value)

    def filter_telefone(self, queryset, name, value):
        return matching.by_phone(queryset, value)

    def filter_cep(self, queryset, name, value):
        return matching.by_cep(queryset, value)

    def filter_criado_de(self, queryset, name, value):
        return matching.by_created_from(queryset, value)

    def filter_criado_ate(self, queryset, name, value):
        return matching.by_created_until(queryset, value)

    def filter_consentimento(self, queryset, name, value):
        return queryset.filter(consentimentos__contains=[value])

    def filter_data_nascimento(self, queryset, name, value):
        return matching.by_birth_date(queryset, value)

    def filter_ordering(self, queryset, name, value):
        return queryset  # applied last, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        cidade, uf = self.form.cleaned_data.get("cidade"), self.form.cleaned_data.get("uf")
        if cidade or uf:
            principal = self.form.cleaned_data.get("endereco") == PRINCIPAL_ADDRESS
            queryset = matching.by_address(
                queryset, cidade=cidade or "", uf=uf or "", principal_only=principal
            )
        cleaned = self.form.cleaned_data
        ordering = cleaned.get("ordering") or sorting.default_ordering(cleaned)
        return sorting.order(queryset, ordering, parsing.name_text(cleaned))


# The parameters of a client search, in one list: the screen, the API, saved
# searches and exports carry exactly these.
FILTER_NAMES = tuple(ClienteFilterSet.base_filters)


ClienteFilterSet.base_filters = _ShallowFilterCopies(ClienteFilterSet.base_filters)


def _canonical(name: str, value) -> str:
    """Return one spelling per meaning of a cleaned parameter (for cache keys)."""
    if name == "q":
        return _canonical_query(value)
    if name in ("nome", "nome_mae"):
        return _canonical_name(value)
    if name in ("cpf", "telefone", "cep"):
        return only_digits(value)
    if name == "cidade":
        return parsing.fold(value)
    if name == "email":
        return value.strip().lower()
    if name in ("idade_min", "idade_max"):
        return str(int(value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _canonical_name(value: str) -> str:
    # Case, accents and spacing do not change a name search (word order does:
    # it ranks the exact name first); punctuation alone matches nothing and
    # is kept as typed.
    return " ".join(parsing.fold(value).split()) or value.strip()


def _canonical_query(value: str) -> str:
    box = parsing.parse_box(value)
    if box.kind == parsing.EMAIL:
        return box.text.lower()
    if box.kind == parsing.IDENTIFIER:
        digits = box.digits
        # A masked "123.456" is a CPF only; bare digits may also be a phone.
        return f"{digits[:3]}.{digits[3:]}" if box.masked_cpf else digits
    parts = [_canonical_name(box.name)] if box.name else []
    if box.data_nascimento:
        parts.append(box.data_nascimento.isoformat())
    if box.nome_mae:
        parts += ["mae", _canonical_name(box.nome_mae)]
    return " ".join(parts)


def validated_filterset(params: Mapping, queryset=None, *, cpf_prefix=True) -> ClienteFilterSet:
    """Return the bound, valid FilterSet of search ``params`` over ``queryset``.

    Without ``cpf_prefix`` (users who see masked CPFs, ``clientes.masking``)
    a CPF is searched only whole and never sorted by: the mask hides five
    digits, and a prefix search or the order of what cannot be seen would
    give them back a few dozen queries later. Raises ``ValidationError``
    (pt-BR messages per parameter) for invalid parameters.
    """
    if queryset is None:
        queryset = Cliente.objects.none()
    filterset = ClienteFilterSet(data=params, queryset=queryset, cpf_prefix=cpf_prefix)
    if not filterset.is_valid():
        # as_data() keeps each error's code (the API reports it).
        raise ValidationError(filterset.form.errors.as_data())
    if not cpf_prefix:
        errors = _masked_cpf_errors(filterset.form.cleaned_data)
        if errors:
            raise ValidationError(errors)
    return filterset


CPF_WHOLE_REQUIRED = _(
    "Informe o CPF completo (11 dígitos): pesquisar parte do CPF exige a permissão de ver o "
    "CPF completo."
)
CPF_ORDERING_DENIED = _("Ordenar por CPF exige a permissão de ver o CPF completo.")


def is_cpf_ordering(value) -> bool:
    """Return True for ``cpf`` and ``-cpf`` (orderings only some users may use)."""
    return str(value or "").lstrip("-") == "cpf"


def ordering_choices_for(*, cpf_prefix: bool, choices=ORDERING_CHOICES) -> list:
    """Return the ordering ``choices`` a user may pick (no CPF order without ``cpf_prefix``)."""
    return [(value, label) for value, label in choices if cpf_prefix or not is_cpf_ordering(value)]


def _masked_cpf_errors(cleaned: Mapping) -> dict:
    """Return the errors of a search that could reveal digits a masked CPF hides."""
    errors = {}
    cpf_digits = only_digits(cleaned.get("cpf") or "")
    if cpf_digits and len(cpf_digits) != 11:
        errors["cpf"] = [ValidationError(CPF_WHOLE_REQUIRED, code="invalid")]
    typed = (cleaned.get("q") or "").strip()
    digits = only_digits(typed)
    if (
        parsing.looks_like_identifier(typed)
        and len(digits) < 11
        and (parsing.is_masked_cpf(typed) or matching.phone_condition(digits) is None)
    ):  # a CPF's beginning; 8 to 10 bare digits still find phones
        errors["q"] = [ValidationError(CPF_WHOLE_REQUIRED, code="invalid")]
    if is_cpf_ordering(cleaned.get("ordering")):
        errors["ordering"] = [ValidationError(CPF_ORDERING_DENIED, code="invalid")]
    return errors


def normalize_params(params: Mapping) -> tuple[tuple[str, str], ...]:
    """Return the canonical form of search ``params``: sorted (name, value) pairs.

    Two searches that mean the same ("529.982.247-25" and "52998224725",
    "João Silva" and "joao silva", any parameter order) give the same tuple,
    so it serves as a cache key; searching with ``dict(result)`` finds the
    same clients. Word order is kept: it changes the relevance order of
    results ("silva joao" ranks differently from "joao silva"). Raises
    ``ValidationError`` for invalid parameters.
    """
    return normalized(validated_filterset(params))


def normalized(filterset: ClienteFilterSet) -> tuple[tuple[str, str], ...]:
    """Return ``normalize_params`` of a valid FilterSet's parameters."""
    pairs = []
    cleaned = filterset.form.cleaned_data
    for name, value in cleaned.items():
        if value in (None, "") or (name == "status" and value == DEFAULT_STATUS):
            continue
        if name == "ordering" and value == sorting.default_ordering(cleaned):
            continue
        pairs.append((name, _canonical(name, value)))
    return tuple(sorted(pairs))


def is_narrowing(normalized: tuple[tuple[str, str], ...]) -> bool:
    """Return True when a normalised search has a criterion that narrows it."""
    return any(name in NARROWING for name, _value in normalized)
