"""Decide what a row does to the registry: create, update, leave unchanged or refuse.

The planner compares a parsed row with the client of the same CPF as it is
now (``ClientState``, read per batch) under the job's ``on_conflict`` mode:
``skip`` leaves an existing client alone, ``update`` replaces the fields the
row fills, ``fill_blanks`` only fills the client's empty fields. A row whose
values the client already has is "unchanged", which makes importing the same
file twice change nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from clientes.models import Cliente, Endereco, Telefone
from clientes.services import ANONYMISED_IS_FINAL
from imports.models import OnConflict, Verdict
from imports.rows import CLIENTE_FIELDS, ENDERECO_FIELDS, ParsedRow, cep_matches_uf, cep_uf_error


@dataclass
class ClientState:
    """A registered client as the planner compares it: fields, principal address, phones."""

    id_cliente: int
    versao: int
    locked_out: str  # why an import may not change it ("" when it may)
    cliente: dict
    endereco: dict | None  # the principal address, with its "id"
    telefones: list[dict]  # id, tipo, numero


@dataclass
class RowPlan:
    """What one row does: its verdict, reasons, and the values to write."""

    row: ParsedRow
    verdict: str
    reasons: list[str] = field(default_factory=list)
    state: ClientState | None = None
    cliente: dict = field(default_factory=dict)
    endereco: dict = field(default_factory=dict)
    telefones: list[dict] = field(default_factory=list)  # {"id" or None, tipo, numero}
    id_cliente: int | None = None
    versao: int | None = None
    before: dict | None = None

    def refuse(self, reason: str) -> None:
        self.verdict = Verdict.INVALID
        self.reasons = [reason]


def load_states(cpfs: Iterable[str], *, lock: bool) -> dict[str, ClientState]:
    """Return the registered clients of these CPFs (3 queries), locked when ``lock``."""
    clientes = Cliente.objects.filter(cpf__in=list(cpfs))
    if lock:
        # Row locks until the batch commits: nobody changes them in between.
        clientes = clientes.select_for_update(of=("self",))
    rows = list(
        clientes.values(
            "id_cliente", "cpf", "versao", "anonimizado_em", "bloqueado", *CLIENTE_FIELDS
        )
    )
    ids = [row["id_cliente"] for row in rows]
    enderecos = {}
    for endereco in (
        Endereco.objects.filter(cliente_id__in=ids)
        .order_by("-principal", "id")
        .values("id", "cliente_id", *ENDERECO_FIELDS)
    ):
        enderecos.setdefault(endereco.pop("cliente_id"), endereco)
    telefones: dict[int, list] = {}
    for telefone in (
        Telefone.objects.filter(cliente_id__in=ids)
        .order_by("id")
        .values("id", "cliente_id", "tipo", "numero")
    ):
        telefones.setdefault(telefone.pop("cliente_id"), []).append(telefone)
    states = {}
    for row in rows:
        locked_out = ""
        if row["anonimizado_em"] is not None:
            locked_out = str(ANONYMISED_IS_FINAL)
        elif row["bloqueado"]:
            locked_out = _("Cliente bloqueado (LGPD): não pode ser alterado por importação.")
        states[row["cpf"]] = ClientState(
            id_cliente=row["id_cliente"],
            versao=row["versao"],
            locked_out=locked_out,
            cliente={name: row[name] for name in CLIENTE_FIELDS},
            endereco=enderecos.get(row["id_cliente"]),
            telefones=telefones.get(row["id_cliente"], []),
        )
    return states


def plan_row(
    row: ParsedRow, state: ClientState | None, on_conflict: str, seen: dict[str, int]
) -> RowPlan:
    """Return what ``row`` does given the client of its CPF (``state``, or None)."""
    if row.errors:
        return RowPlan(row=row, verdict=Verdict.INVALID, reasons=list(row.errors))
    first = seen.setdefault(row.cpf, row.linha)
    if first != row.linha:
        return RowPlan(
            row=row,
            verdict=Verdict.INVALID,
            reasons=[_("CPF repetido no arquivo (já está na linha %(linha)s).") % {"linha": first}],
        )
    if state is None:
        return _plan_create(row)
    plan = RowPlan(row=row, verdict=Verdict.UNCHANGED, state=state, id_cliente=state.id_cliente)
    if on_conflict == OnConflict.SKIP:
        plan.reasons = [_("Cliente já cadastrado: mantido como está.")]
        return plan
    if state.locked_out:
        plan.refuse(state.locked_out)
        return plan
    fill = on_conflict == OnConflict.FILL_BLANKS
    plan.cliente = _changed(row.cliente, state.cliente, fill)
    if row.endereco:
        current = state.endereco or {}
        plan.endereco = _changed(row.endereco, current, fill)
        merged = {**current, **plan.endereco}
        if plan.endereco and not cep_matches_uf(merged["cep"], merged["uf"]):
            plan.refuse(cep_uf_error(merged["cep"], merged["uf"]))
            return plan
    plan.telefones = _phone_changes(row.telefones, state.telefones, fill)
    if plan.cliente or plan.endereco or plan.telefones:
        plan.verdict = Verdict.UPDATE
    return plan


def _plan_create(row: ParsedRow) -> RowPlan:
    if not row.cliente.get("nome_completo"):
        return RowPlan(
            row=row,
            verdict=Verdict.INVALID,
            reasons=[_("Nome completo: obrigatório para cadastrar um cliente novo.")],
        )
    return RowPlan(
        row=row,
        verdict=Verdict.CREATE,
        cliente=dict(row.cliente),
        endereco=dict(row.endereco),
        telefones=[{"id": None, "tipo": tipo, "numero": numero} for tipo, numero in row.telefones],
    )


def _blank(value) -> bool:
    return value is None or value == ""


def _changed(given: dict, current: dict, fill_blanks: bool) -> dict:
    """Return the fields of ``given`` that differ from ``current`` (only blank ones if filling)."""
    changes = {}
    for name, value in given.items():
        now = current.get(name)
        if fill_blanks and not _blank(now):
            continue
        if now != value:
            changes[name] = value
    return changes


def _phone_changes(given: list[tuple[str, str]], current: list[dict], fill_blanks: bool) -> list:
    numbers = {phone["numero"] for phone in current}
    changes = []
    for tipo, numero in given:
        if numero in numbers:
            continue
        same_kind = [phone for phone in current if phone["tipo"] == tipo]
        if same_kind and fill_blanks:
            continue
        if same_kind:
            changes.append({"id": same_kind[0]["id"], "tipo": tipo, "numero": numero})
        else:
            changes.append({"id": None, "tipo": tipo, "numero": numero})
    return changes


def json_value(value):
    """Return ``value`` as JSON keeps it (dates as ISO text)."""
    return value.isoformat() if isinstance(value, date) else value
