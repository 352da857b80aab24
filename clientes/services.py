"""Writes of clients: the one path for the UI, the API, the admin and imports.

Every service validates everything first (``full_clean`` plus the rules in
``clientes.validators``) and writes the client, its addresses and its phones in
one transaction: either all of it is saved or none of it. Rows are saved with
``Model.save()``/``delete()`` so post_save/post_delete receivers (cache,
audit) see every change.

Errors are ``ValidationError`` with a dict keyed by field: ``cpf``,
``enderecos.0.cep``, ``telefones.1.numero`` or ``__all__``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from audit.choices import Action
from audit.diff import changes, snapshot, snapshot_rows
from audit.services import audit_record
from clientes import signals
from clientes.masking import can_see_full_cpf
from clientes.models import Cliente, Endereco, Telefone
from clientes.validators import validate_data_nascimento, validate_nome, validate_texto
from common.br import normalize_cep, normalize_cpf, normalize_phone, only_digits

CLIENTE_FIELDS = (
    "cpf",
    "nome_completo",
    "nome_social",
    "data_nascimento",
    "sexo",
    "nome_mae",
    "email",
)
ENDERECO_FIELDS = (
    "cep",
    "logradouro",
    "numero",
    "complemento",
    "bairro",
    "cidade",
    "uf",
    "principal",
)
TELEFONE_FIELDS = ("tipo", "numero", "principal")
ANONYMISED_IS_FINAL = _(
    "Este cadastro foi anonimizado (LGPD) e não pode ser alterado: a anonimização é irreversível."
)
CPF_CHANGE_DENIED = _(
    "Você não tem permissão para alterar o CPF do cliente (exige a permissão de ver o CPF "
    "completo)."
)


@dataclass
class ClienteAlteradoError(Exception):
    """The client changed since the caller read it (optimistic lock lost)."""

    versao_atual: int
    alterado_por: str
    alterado_em: datetime
    id_cliente: int = 0

    @property
    def message(self) -> str:
        when = timezone.localtime(self.alterado_em)
        return _gettext(
            "Este cliente foi alterado por %(por)s às %(hora)s de %(data)s. "
            "Recarregue a página para ver a versão atual antes de salvar."
        ) % {
            "por": self.alterado_por,
            "hora": date_format(when, "H:i"),
            "data": date_format(when, "d/m/Y"),
        }

    def __str__(self) -> str:
        return self.message


def _changed(event: str, cliente: Cliente) -> None:
    signals.cliente_changed.send(sender=Cliente, event=event, cliente=cliente)


def cliente_create(
    *,
    actor,
    data: Mapping,
    enderecos: Sequence[Mapping] = (),
    telefones: Sequence[Mapping] = (),
) -> Cliente:
    """Create a client with its addresses and phones, or raise ValidationError."""
    _check_keys(data, CLIENTE_FIELDS)
    cliente = Cliente(created_by=actor, updated_by=actor)
    _assign(cliente, data)
    with transaction.atomic():
        _validate_cliente(cliente)
        rows = _validate_nested(cliente, enderecos, telefones)
        _save(cliente, rows)
        audit_record(
            action=Action.CLIENTE_CREATE,
            actor=actor,
            target=cliente,
            details={"changes": changes({}, _audit_state(cliente))},
        )
        _changed(signals.CREATED, cliente)
    return cliente


def cliente_update(
    *,
    actor,
    id_cliente: int,
    versao: int,
    data: Mapping,
    enderecos: Sequence[Mapping] | None = None,
    telefones: Sequence[Mapping] | None = None,
) -> Cliente:
    """Change the fields in ``data`` and, when given, replace addresses/phones.

    ``versao`` is the version the caller read; if the row has moved on since,
    ``ClienteAlteradoError`` is raised and nothing is written. A nested item
    with an ``id`` updates that row, one without creates a row, and rows of
    the client left out of a given list are deleted. Raises
    ``Cliente.DoesNotExist`` when the client was deleted meanwhile, and
    ``PermissionDenied`` when a user without "ver CPF completo" changes the
    CPF (who may not see a CPF may not replace it either).
    """
    _check_keys(data, CLIENTE_FIELDS)
    with transaction.atomic():
        cliente = _lock(id_cliente, versao)
        if cliente.anonimizado:  # personal data must never come back to it
            raise ValidationError(
                {NON_FIELD_ERRORS: ValidationError(ANONYMISED_IS_FINAL, code="cliente_anonimizado")}
            )
        before = _audit_state(cliente)
        # Checked before validation: a "CPF já cadastrado" answer would tell
        # whoever may not see CPFs which ones exist.
        if only_digits(data.get("cpf", cliente.cpf)) != cliente.cpf and _is_masked_for(actor):
            raise PermissionDenied(CPF_CHANGE_DENIED)
        _assign(cliente, data)
        cliente.updated_by = actor
        _validate_cliente(cliente)
        rows = _validate_nested(cliente, enderecos, telefones)
        cliente.versao += 1
        _save(cliente, rows)
        audit_record(
            action=Action.CLIENTE_UPDATE,
            actor=actor,
            target=cliente,
            details={"changes": changes(before, _audit_state(cliente)), "versao": cliente.versao},
        )
        _changed(signals.UPDATED, cliente)
    return cliente


def cliente_deactivate(
    *, actor, id_cliente: int, motivo: str, versao: int | None = None
) -> Cliente:
    """Soft-delete a client (``ativo=False``) recording why; it can be reactivated."""
    motivo = (motivo or "").strip()
    errors = {}
    if not motivo:
        errors["motivo_inativacao"] = ValidationError(
            _("Informe o motivo da inativação."), code="required"
        )
    with transaction.atomic():
        cliente = _lock(id_cliente, versao)
        if not cliente.ativo:
            errors[NON_FIELD_ERRORS] = ValidationError(
                _("Este cliente já está inativo."), code="cliente_inativo"
            )
        if errors:
            raise ValidationError(errors)
        cliente.ativo = False
        cliente.motivo_inativacao = motivo
        _save_status(cliente, actor)
        audit_record(
            action=Action.CLIENTE_DEACTIVATE,
            actor=actor,
            target=cliente,
            details={"motivo": motivo},
        )
        _changed(signals.DEACTIVATED, cliente)
    return cliente


def cliente_reactivate(*, actor, id_cliente: int, versao: int | None = None) -> Cliente:
    """Make an inactive client active again, clearing the deactivation reason."""
    with transaction.atomic():
        cliente = _lock(id_cliente, versao)
        if cliente.ativo:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: ValidationError(
                        _("Este cliente já está ativo."), code="cliente_ativo"
                    )
                }
            )
        cliente.ativo = True
        cliente.motivo_inativacao = ""
        _save_status(cliente, actor)
        audit_record(action=Action.CLIENTE_REACTIVATE, actor=actor, target=cliente)
        _changed(signals.REACTIVATED, cliente)
    return cliente


def cliente_delete(*, actor, id_cliente: int, versao: int | None = None) -> None:
    """Delete a client for good, with its addresses and phones (administrators only)."""
    with transaction.atomic():
        cliente = _lock(id_cliente, versao)
        audit_record(
            action=Action.CLIENTE_DELETE,
            actor=actor,
            target=cliente,
            details={"deleted": _audit_state(cliente)},
        )
        _changed(signals.DELETED, cliente)
        # Children first, one by one, so post_delete receivers see each row.
        for row in [*cliente.enderecos.all(), *cliente.telefones.all()]:
            row.delete()
        cliente.delete()


# --- helpers -----------------------------------------------------------------


def _audit_state(cliente: Cliente) -> dict:
    """Return the client's fields and rows as the audit diff compares them."""
    state = snapshot(cliente, (*CLIENTE_FIELDS, "ativo", "motivo_inativacao"))
    state["enderecos"] = snapshot_rows(cliente.enderecos.all(), ENDERECO_FIELDS)
    state["telefones"] = snapshot_rows(cliente.telefones.all(), TELEFONE_FIELDS)
    return state


def _check_keys(data: Mapping, allowed: Sequence[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")


def _lock(id_cliente: int, versao: int | None) -> Cliente:
    """Return the client row locked for this transaction, checking its version."""
    cliente = Cliente.objects.select_for_update().get(pk=id_cliente)
    check_version(cliente, versao)
    return cliente


def check_version(cliente: Cliente, versao: int | None) -> None:
    """Raise ``ClienteAlteradoError`` when ``versao`` is given and the row has moved on."""
    if versao is not None and cliente.versao != versao:
        por = (
            cliente.updated_by.get_full_name()
            if cliente.updated_by_id
            else _gettext("outro usuário")
        )
        raise ClienteAlteradoError(
            versao_atual=cliente.versao,
            alterado_por=por,
            alterado_em=cliente.updated_at,
            id_cliente=cliente.pk,
        )


def _is_masked_for(actor) -> bool:
    """Return True for a user who sees masked CPFs (None is the system: imports, tasks)."""
    return actor is not None and not can_see_full_cpf(actor)


def _assign(cliente: Cliente, data: Mapping) -> None:
    for field, value in data.items():
        if isinstance(value, str) and field != "cpf":
            value = value.strip()
        setattr(cliente, field, "" if value is None and field != "data_nascimento" else value)


def _validate_cliente(cliente: Cliente) -> None:
    """Normalise and validate the client's own fields, CPF uniqueness included."""
    errors: dict[str, list] = {}

    def run(field, check):
        try:
            check()
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.error_list)

    def cpf():
        cliente.cpf = normalize_cpf(cliente.cpf)

    run("cpf", cpf)
    run("nome_completo", lambda: validate_nome(cliente.nome_completo))
    for field in ("nome_social", "nome_mae"):
        run(field, lambda f=field: validate_texto(getattr(cliente, f)))

    def data_nascimento():
        field = Cliente._meta.get_field("data_nascimento")
        cliente.data_nascimento = field.to_python(cliente.data_nascimento)
        validate_data_nascimento(cliente.data_nascimento)

    run("data_nascimento", data_nascimento)
    try:
        cliente.full_clean(exclude=[*errors, "created_by", "updated_by"], validate_unique=False)
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if "cpf" not in errors:
        holder = _cpf_holder(cliente)
        if holder is not None:
            errors["cpf"] = [_cpf_duplicado(holder)]
    if errors:
        raise ValidationError(errors)


def _cpf_holder(cliente: Cliente) -> dict | None:
    return (
        Cliente.objects.filter(cpf=cliente.cpf)
        .exclude(pk=cliente.pk)
        .values("pk", "merged_into")
        .first()
    )


def _cpf_duplicado(holder: dict | None = None) -> ValidationError:
    if holder and holder["merged_into"]:
        # A merge's tombstone keeps its CPF (and is found by no search): say so.
        return ValidationError(
            _("Este CPF pertence a um cadastro unificado ao cliente nº %(id)s.")
            % {"id": holder["merged_into"]},
            code="cpf_duplicado",
        )
    return ValidationError(_("Já existe um cliente com este CPF."), code="cpf_duplicado")


def _validate_nested(cliente, enderecos, telefones) -> dict:
    """Build and validate the nested rows; return what to save and delete."""
    errors: dict[str, list] = {}
    rows = {"enderecos": None, "telefones": None}
    if enderecos is not None:
        rows["enderecos"] = _build_rows(
            cliente, Endereco, "enderecos", enderecos, ENDERECO_FIELDS, _normalize_endereco, errors
        )
    if telefones is not None:
        rows["telefones"] = _build_rows(
            cliente, Telefone, "telefones", telefones, TELEFONE_FIELDS, _normalize_telefone, errors
        )
    if errors:
        raise ValidationError(errors)
    return rows


def _build_rows(cliente, model, name, items, fields, normalize, errors) -> list:
    existing = {row.pk: row for row in getattr(cliente, name).all()} if cliente.pk else {}
    built = []
    for index, item in enumerate(items):
        item = dict(item)
        pk = item.pop("id", None)
        _check_keys(item, fields)
        if pk is not None and pk not in existing:
            errors.setdefault(f"{name}.{index}.id", []).append(
                ValidationError(_("Item inexistente ou de outro cliente."), code="item_inexistente")
            )
            continue
        row = existing.get(pk) or model(cliente=cliente)
        for field, value in item.items():
            setattr(row, field, value.strip() if isinstance(value, str) else value)
        item_errors = normalize(row)
        try:
            row.full_clean(exclude=["cliente", *item_errors])
        except ValidationError as exc:
            for field, field_errors in exc.error_dict.items():
                item_errors.setdefault(field, []).extend(field_errors)
        for field, field_errors in item_errors.items():
            errors.setdefault(f"{name}.{index}.{field}", []).extend(field_errors)
        built.append(row)
    principais = [row for row in built if row.principal]
    if len(principais) > 1:
        message = (
            _("Marque apenas um endereço como principal.")
            if model is Endereco
            else _("Marque apenas um telefone como principal.")
        )
        errors.setdefault(name, []).append(ValidationError(message, code="principal_multiplo"))
    elif built and not principais:
        built[0].principal = True  # the first one listed is the principal by default
    keep = {row.pk for row in built if row.pk}
    return [built, [row for pk, row in existing.items() if pk not in keep]]


def _normalize_endereco(row: Endereco) -> dict:
    errors = {}
    try:
        row.cep = normalize_cep(row.cep)
    except ValidationError as exc:
        errors["cep"] = exc.error_list
    row.uf = (row.uf or "").upper()
    for field in ("logradouro", "numero", "complemento", "bairro", "cidade"):
        try:
            validate_texto(getattr(row, field))
        except ValidationError as exc:
            errors[field] = exc.error_list
    return errors


def _normalize_telefone(row: Telefone) -> dict:
    try:
        row.numero = normalize_phone(row.numero)
    except ValidationError as exc:
        return {"numero": exc.error_list}
    return {}


def _save(cliente: Cliente, rows: dict) -> None:
    """Write the client and its rows; turn unique-index races into field errors."""
    try:
        with transaction.atomic():
            cliente.save()
            for name in ("enderecos", "telefones"):
                if rows[name] is None:
                    continue
                keep, drop = rows[name]
                for row in drop:
                    row.delete()
                # Existing rows that may lose "principal" go first (the one-principal
                # index is not deferrable); new rows keep the order given.
                for row in sorted(keep, key=lambda r: 0 if r.pk and not r.principal else 1):
                    row.cliente = cliente
                    row.save()
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "") or ""
        if "cpf" in constraint:
            raise ValidationError({"cpf": [_cpf_duplicado()]}) from exc
        if "principal" in constraint:
            raise ValidationError(
                {"enderecos": [ValidationError(
                    _("Marque apenas um endereço como principal."), code="principal_multiplo"
                )]}
            ) from exc  # fmt: skip
        raise


def _save_status(cliente: Cliente, actor) -> None:
    cliente.updated_by = actor
    cliente.versao += 1
    cliente.save(update_fields=["ativo", "motivo_inativacao", "updated_by", "updated_at", "versao"])
