"""Anonymise clients (LGPD art. 18, IV and art. 16): irreversible, in batches, with proof.

What anonymisation does to each client, in one transaction per batch:

* the row stays (statistics and foreign keys hold) and is marked
  ``anonimizado_em``; name, social name, mother's name and e-mail become
  empty, the CPF becomes ``9`` + the id + deliberately wrong check digits
  (unique, 11 digits, never a real person's CPF), the birth date is removed
  or cut to its year or decade (Configurações LGPD); sex, city, UF and status
  are kept for statistics;
* phones are deleted; addresses keep city, UF and the CEP's region (first
  five digits) but lose street, number, complement and district;
* the search columns follow (generated columns and address triggers), and the
  name vocabulary loses the words no remaining client has;
* consent evidence texts are cleared (grants and dates stay);
* audit events about the client lose its personal data through
  ``audit_anonymize_targets`` (itself audited);
* the cache is invalidated after commit.

Clients under a legal hold are skipped (art. 16, I). A batch locks only its
own rows, so a million clients go through without a long table lock.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.choices import Action
from audit.services import ANONYMIZED_LABEL, audit_anonymize_targets, audit_record
from clientes import signals
from clientes.cache import invalidate_on_commit
from clientes.cache.invalidation import forget_on_commit
from clientes.models import Cliente
from clientes.services import ClienteAlteradoError
from common.br import cpf_check_digits
from lgpd.choices import NascimentoAnonimizado
from lgpd.models import ConfiguracaoLgpd
from lgpd.receivers import legal_hold_message
from lgpd.services import _motivo, lock_cliente, note_production

BATCH_SIZE = 1_000
CLIENTE_TARGET = "clientes.cliente"

_BIRTH_DATE_SQL = {
    NascimentoAnonimizado.REMOVER: "NULL",
    NascimentoAnonimizado.ANO: "make_date(extract(year FROM c.data_nascimento)::int, 1, 1)",
    NascimentoAnonimizado.DECADA: (
        "make_date((extract(year FROM c.data_nascimento)::int / 10) * 10, 1, 1)"
    ),
}


def pseudo_cpf(id_cliente: int) -> str:
    """Return the CPF an anonymised client gets: unique, 11 digits, never valid."""
    if not 0 < id_cliente < 10**8:
        raise ValueError("client ids above 99,999,999 need another pseudo-CPF scheme")
    base = f"9{id_cliente:08d}"
    wrong_first = (int(cpf_check_digits(base)[0]) + 1) % 10
    return f"{base}{wrong_first}0"


@dataclass
class AnonymizationResult:
    """What a run did: ids anonymised, ids kept by a legal hold, and how long it took.

    ``lotes_ms``: each batch's transaction time, i.e. the longest its rows stayed locked.
    """

    anonimizados: list[int] = field(default_factory=list)
    retidos: list[int] = field(default_factory=list)
    duracao_ms: int = 0
    lotes_ms: list[float] = field(default_factory=list)


def cliente_anonymize(
    *, actor, id_cliente: int, versao: int, motivo: str, solicitacao_id: int | None = None
) -> None:
    """Anonymise one client read at ``versao`` (ClienteAlteradoError if it changed since).

    Raises ValidationError when it is already anonymised or under a legal hold.
    """
    motivo = _motivo(motivo)
    with transaction.atomic():
        cliente = lock_cliente(id_cliente)
        if cliente.versao != versao:
            por = cliente.updated_by.get_full_name() if cliente.updated_by_id else "—"
            raise ClienteAlteradoError(
                versao_atual=cliente.versao, alterado_por=por, alterado_em=cliente.updated_at
            )
        if cliente.anonimizado:
            raise ValidationError(
                {NON_FIELD_ERRORS: ValidationError(
                    _("Este cliente já foi anonimizado."), code="cliente_anonimizado"
                )}
            )  # fmt: skip
        hold = cliente.retencoes_legais.vigentes().first()
        if hold is not None:
            raise ValidationError(
                {NON_FIELD_ERRORS: ValidationError(
                    legal_hold_message(hold), code="retencao_legal"
                )}
            )  # fmt: skip
        _anonymize_locked(actor, [id_cliente])
        signals.clientes_changed.send(sender=Cliente, event=signals.ANONYMIZED, ids=[id_cliente])
        audit_record(
            action=Action.CLIENTE_ANONYMIZE,
            actor=actor,
            target=(CLIENTE_TARGET, id_cliente, ANONYMIZED_LABEL.format(id=id_cliente)),
            details={"motivo": motivo, "solicitacao": solicitacao_id},
        )
        note_production(
            solicitacao_id=solicitacao_id, actor=actor, acao="anonimizacao", cliente=id_cliente
        )


def clientes_anonymize(
    *, actor, ids: Iterable[int], motivo: str, batch_size: int = BATCH_SIZE
) -> AnonymizationResult:
    """Anonymise many clients, ``batch_size`` per transaction; skip legal holds.

    Each batch is recorded as one ``cliente.anonymize`` event listing its ids.
    Already anonymised and missing ids are ignored.
    """
    motivo = _motivo(motivo)
    started = time.monotonic()
    result = AnonymizationResult()
    ids = sorted(set(ids))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        batch_started = time.monotonic()
        with transaction.atomic():
            done, held = _anonymize_locked(actor, chunk, lock=True)
            if done:
                signals.clientes_changed.send(sender=Cliente, event=signals.ANONYMIZED, ids=done)
                audit_record(
                    action=Action.CLIENTE_ANONYMIZE,
                    actor=actor,
                    target=(CLIENTE_TARGET, ""),
                    details={"motivo": motivo, "count": len(done), "ids": done},
                )
        result.lotes_ms.append((time.monotonic() - batch_started) * 1000)
        result.anonimizados += done
        result.retidos += held
    result.duracao_ms = round((time.monotonic() - started) * 1000)
    return result


def _anonymize_locked(actor, ids: Sequence[int], *, lock: bool = False) -> tuple[list, list]:
    """Anonymise ``ids`` in the current transaction; return (anonymised, kept by a hold)."""
    birth = _BIRTH_DATE_SQL[ConfiguracaoLgpd.current().nascimento_anonimizado]
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    today = timezone.localdate()
    with connection.cursor() as cursor:
        # Rows in id order: two batches never wait on each other in a cycle.
        cursor.execute(
            "SELECT id_cliente, cpf FROM clientes WHERE id_cliente = ANY(%s)"
            " AND anonimizado_em IS NULL ORDER BY id_cliente" + (" FOR UPDATE" if lock else ""),
            [list(ids)],
        )
        old = dict(cursor.fetchall())
        cursor.execute(
            "SELECT DISTINCT cliente_id FROM lgpd_retencaolegal WHERE cliente_id = ANY(%s)"
            " AND encerrada_em IS NULL AND ate >= %s",
            [list(old), today],
        )
        held = sorted(row[0] for row in cursor.fetchall())
        targets = sorted(set(old) - set(held))
        if not targets:
            return [], held
        cursor.execute(
            "SELECT w, count(*) FROM clientes,"
            " unnest(tsvector_to_array(nome_tsv) || tsvector_to_array(nome_mae_tsv)) AS w"
            " WHERE id_cliente = ANY(%s) GROUP BY w ORDER BY w",
            [targets],
        )
        words = cursor.fetchall()
        cursor.execute(
            f"""
            UPDATE clientes c SET
                nome_completo = '', nome_social = '', nome_mae = '', email = '',
                cpf = p.cpf, data_nascimento = {birth}, motivo_inativacao = '',
                consentimentos = '{{}}', anonimizado_em = now(), updated_at = now(),
                updated_by_id = %s, versao = c.versao + 1
            FROM unnest(%s::bigint[], %s::text[]) AS p(id, cpf)
            WHERE c.id_cliente = p.id
            """,  # birth: one of the fixed expressions above, never user input
            [actor_id, targets, [pseudo_cpf(i) for i in targets]],
        )
        cursor.execute(
            "UPDATE clientes_enderecos SET logradouro = '', numero = '', complemento = '',"
            " bairro = '', cep = left(cep, 5) || '000' WHERE cliente_id = ANY(%s)",
            [targets],
        )
        cursor.execute("DELETE FROM clientes_telefones WHERE cliente_id = ANY(%s)", [targets])
        cursor.execute(
            "UPDATE lgpd_consentimento SET evidencia = '' WHERE cliente_id = ANY(%s)"
            " AND evidencia <> ''",
            [targets],
        )
        _forget_words(cursor, words)
    audit_anonymize_targets(target_type=CLIENTE_TARGET, target_ids=targets, actor=actor)
    # Raw SQL sends no model signals: drop the cached profiles, CPF pointers and
    # searches; then the keys that would keep naming the old CPFs.
    old_cpfs = [old[i] for i in targets]
    invalidate_on_commit(ids=targets, cpfs=old_cpfs)
    forget_on_commit(cpfs=old_cpfs)
    return targets, held


def _forget_words(cursor, words: list[tuple[str, int]]) -> None:
    """Take the anonymised names' words out of the vocabulary (suggestions, expansions).

    Frequencies go down; a word no remaining client has in a name or mother's
    name is deleted (the vocabulary only ever grew, so a count alone cannot
    tell). A word still in use is never deleted: prefix search expands through it.
    """
    if not words:
        return
    names = [w for w, _n in words]
    # Lock in word order, as the vocabulary triggers do (no deadlock with them).
    cursor.execute(
        "SELECT palavra FROM clientes_nome_palavras WHERE palavra = ANY(%s)"
        " ORDER BY palavra FOR UPDATE",
        [names],
    )
    cursor.execute(
        "UPDATE clientes_nome_palavras p SET frequencia = greatest(p.frequencia - w.n, 1)"
        " FROM unnest(%s::text[], %s::int[]) AS w(palavra, n) WHERE p.palavra = w.palavra",
        [names, [n for _w, n in words]],
    )
    cursor.execute(
        """
        DELETE FROM clientes_nome_palavras p
        WHERE p.palavra = ANY(%s)
          AND NOT EXISTS (SELECT 1 FROM clientes c
                          WHERE c.nome_tsv @@ plainto_tsquery('simple', p.palavra))
          AND NOT EXISTS (SELECT 1 FROM clientes c
                          WHERE c.nome_mae_tsv @@ plainto_tsquery('simple', p.palavra))
        """,
        [names],
    )
