"""Writes of the duplicates app: refresh the pairs, dismiss one, merge two clients.

``duplicates_refresh`` compares the clients changed since the last run with
everyone (``clientes.duplicates`` holds the rules) and rewrites their open
pairs in one transaction. ``clientes_merge`` unifies two clients: the survivor
takes the chosen value of each field and the other's addresses and phones
(duplicates collapsed); the other becomes a tombstone pointing to it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from audit.choices import Action
from audit.services import audit_record
from clientes import duplicates as rules
from clientes import signals
from clientes.cache.invalidation import invalidate_on_commit
from clientes.models import Cliente, Endereco, Telefone
from clientes.search.parsing import fold
from clientes.services import _audit_state, check_version
from duplicates.models import ExecucaoDuplicados, ParDuplicado

# Clients saved shortly before a run's start may commit after it: the next run
# looks this far back again (comparing a client twice is harmless).
WATERMARK_OVERLAP = timedelta(minutes=10)
_LOCK_KEY = 0x6475706C  # "dupl": one run at a time, across workers
# Fields the merge chooses; the CPF is the survivor's (it names the record).
MERGE_FIELDS = ("nome_completo", "nome_social", "data_nascimento", "sexo", "nome_mae", "email")

_UPSERT = """
INSERT INTO duplicados_pares (cliente_a_id, cliente_b_id, score, motivos, encontrado_em)
SELECT a, b, LEAST(100, sum(w.peso)), array_agg(f.motivo ORDER BY f.motivo), now()
FROM (SELECT DISTINCT a, b, motivo FROM dup_achados WHERE a <> b) f
JOIN (SELECT * FROM unnest(%s::text[], %s::int[]) AS w(motivo, peso)) w USING (motivo)
GROUP BY a, b
ON CONFLICT (cliente_a_id, cliente_b_id) DO UPDATE
  SET score = EXCLUDED.score, motivos = EXCLUDED.motivos
  WHERE duplicados_pares.dispensado_em IS NULL
"""


def duplicates_refresh(*, full: bool = False) -> ExecucaoDuplicados | None:
    """Recompute the pairs of the clients changed since the last run (all if ``full``).

    The first run is always full. Returns the run, or None when another run
    holds the lock (beat and an on-demand request at once).
    """
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
        if not cursor.fetchone()[0]:
            return None
        last = ExecucaoDuplicados.objects.filter(concluida_em__isnull=False).first()
        full = full or last is None
        run = ExecucaoDuplicados(
            iniciada_em=timezone.now(),
            completa=full,
            desde=None if full else last.iniciada_em - WATERMARK_OVERLAP,
        )
        if full:
            # Big hash joins of a full run: in memory rather than in batches on disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            run.comparados = rules.prepare(cursor, ids_sql="SELECT id_cliente FROM clientes")
        else:
            run.comparados = rules.prepare(
                cursor,
                ids_sql="SELECT id_cliente FROM clientes WHERE updated_at >= %s"
                " OR created_at >= %s",
                params=[run.desde, run.desde],
            )
        rules.find(cursor, targets=run.comparados)
        if full:
            cursor.execute("DELETE FROM duplicados_pares WHERE dispensado_em IS NULL")
        else:
            for column in ("cliente_a_id", "cliente_b_id"):
                cursor.execute(
                    f"DELETE FROM duplicados_pares p USING dup_alvo t"
                    f" WHERE p.dispensado_em IS NULL AND p.{column} = t.id"
                )
        motivos = list(rules.PESOS)
        cursor.execute(_UPSERT, [motivos, [rules.PESOS[m] for m in motivos]])
        run.pares = cursor.rowcount
        cursor.execute("DROP TABLE dup_alvo, dup_achados")
        run.concluida_em = timezone.now()
        run.duracao_ms = int((time.monotonic() - started) * 1000)
        run.save()
    return run


def pair_dismiss(*, actor, pair: ParDuplicado) -> ParDuplicado:
    """Mark a pair as "não é duplicado": it is never listed again."""
    with transaction.atomic():
        pair = ParDuplicado.objects.select_for_update().get(pk=pair.pk)
        if pair.dispensado_em is None:
            pair.dispensado_em = timezone.now()
            pair.dispensado_por = actor
            pair.save(update_fields=["dispensado_em", "dispensado_por"])
            audit_record(
                action=Action.DUPLICADO_DISMISS,
                actor=actor,
                target=("clientes.cliente", pair.cliente_a_id, ""),
                details={"par": [pair.cliente_a_id, pair.cliente_b_id], "score": pair.score},
            )
    return pair


# --- Merge ---------------------------------------------------------------------


def _error(message, code: str, field: str = NON_FIELD_ERRORS) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _check_choices(id_cliente: int, id_outro: int, fields: Mapping) -> None:
    if id_cliente == id_outro:
        raise _error(_("Escolha dois clientes diferentes para unificar."), "mesmo_cliente")
    for name, source in fields.items():
        if name == "cpf":
            if source != id_cliente:
                raise _error(
                    _(
                        "O CPF que permanece é o do cadastro mantido. Para ficar com o CPF "
                        "do outro cadastro, unifique no sentido inverso."
                    ),
                    "cpf_do_incorporado",
                    "fields.cpf",
                )
            continue
        if name not in MERGE_FIELDS:
            message = _("Campo desconhecido: %(campo)s.") % {"campo": name}
            raise _error(message, "campo_desconhecido")
        if source not in (id_cliente, id_outro) or isinstance(source, bool):
            raise _error(
                _("Informe o id de um dos dois clientes (%(a)s ou %(b)s).")
                % {"a": id_cliente, "b": id_outro},
                "origem_invalida",
                f"fields.{name}",
            )


def _check_mergeable(cliente: Cliente) -> None:
    """Refuse records that must not be merged silently (LGPD state, tombstones)."""
    number = cliente.pk
    if cliente.merged_into_id is not None:
        raise _error(
            _("O cliente nº %(id)s já foi unificado ao cliente nº %(destino)s.")
            % {"id": number, "destino": cliente.merged_into_id},
            "cliente_incorporado",
        )
    if cliente.anonimizado:
        raise _error(
            _("O cliente nº %(id)s foi anonimizado (LGPD) e não pode ser unificado.")
            % {"id": number},
            "cliente_anonimizado",
        )
    if cliente.bloqueado:
        raise _error(
            _(
                "O cliente nº %(id)s está bloqueado (LGPD) e não pode ser unificado: peça ao "
                "encarregado de dados que trate o bloqueio antes."
            )
            % {"id": number},
            "cliente_bloqueado",
        )


def _lock_pair(id_cliente: int, id_outro: int) -> dict[int, Cliente]:
    # Both rows in id order: two merges of the same pair never deadlock.
    rows = Cliente.objects.select_for_update().filter(pk__in=[id_cliente, id_outro]).order_by("pk")
    found = {c.pk: c for c in rows}
    missing = [i for i in (id_cliente, id_outro) if i not in found]
    if missing:
        raise Cliente.DoesNotExist(f"cliente {missing[0]}")
    return found


def _address_key(row: Endereco) -> tuple:
    return (row.cep, fold(row.logradouro), fold(row.numero), fold(row.complemento))


def _unite(survivor: Cliente, other: Cliente) -> tuple[int, int]:
    """Move the other's addresses and phones the survivor lacks; drop the rest."""
    moved = []
    for name, key in (("enderecos", _address_key), ("telefones", lambda t: t.numero)):
        have = {key(row) for row in getattr(survivor, name).all()}
        count = 0
        for row in list(getattr(other, name).all()):
            if key(row) in have:
                row.delete()
                continue
            have.add(key(row))
            row.cliente = survivor
            row.principal = False  # the survivor keeps its principal one
            row.save()
            count += 1
        moved.append(count)
    if not survivor.enderecos.filter(principal=True).exists():
        first = survivor.enderecos.order_by("id").first()
        if first is not None:
            Endereco.objects.filter(pk=first.pk).update(principal=True)
    if not survivor.telefones.filter(principal=True).exists():
        first = survivor.telefones.order_by("id").first()
        if first is not None:
            Telefone.objects.filter(pk=first.pk).update(principal=True)
    return moved[0], moved[1]


def clientes_merge(
    *,
    actor,
    id_cliente: int,
    id_outro: int,
    fields: Mapping[str, int],
    versao: int | None = None,
    versao_outro: int | None = None,
) -> Cliente:
    """Unify client ``id_outro`` into client ``id_cliente`` and return the survivor.

    ``fields`` maps a field of ``MERGE_FIELDS`` to the id of the client whose
    value stays; a field left out keeps the survivor's value, or the other's
    when the survivor's is empty. ``versao``/``versao_outro`` are the versions
    the caller read (``ClienteAlteradoError``, naming which, if either moved on). Raises
    ``ValidationError`` (pt-BR) for bad choices and for clients that may not
    be merged (LGPD-blocked, anonymised, already merged), and
    ``Cliente.DoesNotExist``.
    """
    _check_choices(id_cliente, id_outro, fields)
    with transaction.atomic():
        locked = _lock_pair(id_cliente, id_outro)
        survivor, other = locked[id_cliente], locked[id_outro]
        check_version(survivor, versao)
        check_version(other, versao_outro)
        _check_mergeable(survivor)
        _check_mergeable(other)
        before = _audit_state(other)
        chosen = {}
        for name in MERGE_FIELDS:
            source = fields.get(name)
            if source is None:
                source = id_outro if getattr(survivor, name) in ("", None) else id_cliente
            value = getattr(locked[source], name)
            setattr(survivor, name, value)
            chosen[name] = {"origem": source, "valor": value}
        enderecos, telefones = _unite(survivor, other)
        now = timezone.now()
        survivor.updated_by = actor
        survivor.versao += 1
        survivor.save()
        other.merged_into = survivor
        other.merged_at = now
        other.ativo = False
        other.motivo_inativacao = _gettext("Unificado ao cliente nº %(id)s") % {"id": survivor.pk}
        other.updated_by = actor
        other.versao += 1
        other.save()
        ParDuplicado.objects.filter(Q(cliente_a=other) | Q(cliente_b=other)).delete()
        details = {
            "de": other.pk,
            "para": survivor.pk,
            "campos": chosen,
            "enderecos_movidos": enderecos,
            "telefones_movidos": telefones,
        }
        audit_record(action=Action.CLIENTE_MERGE, actor=actor, target=survivor, details=details)
        audit_record(
            action=Action.CLIENTE_MERGE,
            actor=actor,
            target=other,
            details={**details, "incorporado": before},
        )
        # The model signals already invalidate both rows; named here as well
        # because the merge must never leave either cached (CPF pointers too).
        invalidate_on_commit(ids=[survivor.pk, other.pk], cpfs=[survivor.cpf, other.cpf])
        signals.cliente_changed.send(sender=Cliente, event=signals.UPDATED, cliente=survivor)
        signals.cliente_changed.send(sender=Cliente, event=signals.MERGED, cliente=other)
    return survivor
