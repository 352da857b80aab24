"""Rules that find clients who are probably the same person: the only duplicate SQL.

Each rule compares the *target* clients (temp table ``dup_alvo``, filled by the
caller: the clients changed since the last run, everyone, or the one just
saved) with every other live client and writes ``(a, b, motivo)`` rows, lower
id first, into the temp table ``dup_achados``. Everything is set-based: one
statement per rule, whatever the number of targets, answered by the indexes
the search already has (birth date, folded name, phone, lower-case e-mail,
the CPF's unique index).

Empty or default values never match (the known trap: two clients without an
e-mail are not the same person): empty fields, placeholder names, dates and
e-mails, phones of one repeated digit, invalid CPFs, and any value shared by
more than ``MAX_SHARED`` clients (a placeholder nobody listed, such as a
company's switchboard number).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Motivo(TextChoices):
    """Why a pair is listed. Values are stable: they are stored."""

    CPF_DIGITO = "cpf_digito", _("CPF com um dígito diferente e nome parecido")
    CPF_TRANSPOSTO = "cpf_transposto", _("CPF com dois dígitos vizinhos trocados e nome parecido")
    NOME_NASCIMENTO = "nome_nascimento", _("Mesmo nome e data de nascimento")
    MAE_NASCIMENTO = "mae_nascimento", _("Mesmo nome da mãe e data de nascimento")
    TELEFONE_NOME = "telefone_nome", _("Mesmo telefone e nome parecido")
    EMAIL_NOME = "email_nome", _("Mesmo e-mail e nome parecido")


# Points of each reason; a pair's score is their sum, capped at 100. One
# strong reason lists a pair; a shared phone with a similar name alone is
# weaker (relatives share phones, and namesakes exist).
PESOS = {
    Motivo.CPF_DIGITO: 60,
    Motivo.CPF_TRANSPOSTO: 65,
    Motivo.NOME_NASCIMENTO: 60,
    Motivo.MAE_NASCIMENTO: 45,
    Motivo.TELEFONE_NOME: 35,
    Motivo.EMAIL_NOME: 40,
}

# A value shared by more clients than this identifies nobody.
MAX_SHARED = 5

# Dates legacy systems and spreadsheets put where the birth date was unknown.
DEFAULT_DATES = ("1900-01-01", "1901-01-01", "1899-12-30", "1899-12-31", "1970-01-01")
# Folded (gc_search_text) names that stand for "unknown".
PLACEHOLDER_NAMES = (
    "nao informado", "nao informada", "nao consta", "nao declarado", "nao declarada",
    "ignorado", "ignorada", "desconhecido", "desconhecida", "sem informacao", "sem nome",
    "cliente", "teste", "mae", "nao sabe",
)  # fmt: skip
# Local parts of e-mails typed to fill a mandatory field.
PLACEHOLDER_EMAIL_LOCALS = (
    "naotem", "nao", "naopossui", "nao.possui", "nao_tem", "nao.tem", "sememail", "sem.email",
    "semeemail", "sem", "nenhum", "teste", "test", "email", "x", "xx", "xxx", "a", "na",
)  # fmt: skip

# Live clients: tombstones of merges and anonymised records are nobody's duplicate.
_LIVE = "{t}.merged_into_id IS NULL AND {t}.anonimizado_em IS NULL"


def _live(alias: str) -> str:
    return _LIVE.format(t=alias)


def _insert(sql: str, motivo: str) -> str:
    return f"INSERT INTO dup_achados (a, b, motivo) SELECT DISTINCT LEAST(id, other), GREATEST(id, other), '{motivo}' FROM ({sql}) found"  # noqa: E501


# Same folded name and birth date. Names of one word and placeholders don't count.
_NOME_NASCIMENTO = f"""
WITH k AS (
  SELECT c.id_cliente AS id, c.nome_busca, c.data_nascimento
  FROM dup_alvo t JOIN clientes c ON c.id_cliente = t.id
  WHERE {_live("c")} AND c.data_nascimento IS NOT NULL
    AND c.data_nascimento <> ALL (%(datas)s::date[])
    AND c.nome_busca LIKE '%% %%' AND c.nome_busca <> ALL (%(nomes)s)
), m AS (
  SELECT k.id, o.id_cliente AS other, count(*) OVER (PARTITION BY k.id) AS n
  FROM k JOIN clientes o
    ON o.data_nascimento = k.data_nascimento AND o.nome_busca = k.nome_busca
   AND o.id_cliente <> k.id
  WHERE {_live("o")}
)
SELECT id, other FROM m WHERE n < %(max_shared)s
"""

# Same folded mother's name and birth date. The names are compared through
# their stored words (``nome_mae_tsv``, the same for the same folded name): no
# function runs on the other clients' rows.
_MAE_NASCIMENTO = f"""
WITH k AS (
  SELECT c.id_cliente AS id, gc_search_text(c.nome_mae) AS mae, c.nome_mae_tsv::text AS chave,
         c.data_nascimento
  FROM dup_alvo t JOIN clientes c ON c.id_cliente = t.id
  WHERE {_live("c")} AND c.data_nascimento IS NOT NULL AND c.nome_mae <> ''
    AND c.data_nascimento <> ALL (%(datas)s::date[])
), m AS (
  SELECT k.id, o.id_cliente AS other, count(*) OVER (PARTITION BY k.id) AS n
  FROM k JOIN clientes o
    ON o.data_nascimento = k.data_nascimento AND o.id_cliente <> k.id AND o.nome_mae <> ''
   AND o.nome_mae_tsv::text = k.chave
  WHERE {_live("o")} AND k.mae LIKE '%% %%' AND k.mae <> ALL (%(nomes)s)
)
SELECT id, other FROM m WHERE n < %(max_shared)s
"""

# Same phone number (DDD + number) and a similar name. Numbers of one
# repeated digit (after the DDD) or a plain sequence are placeholders.
_TELEFONE_NOME = f"""
WITH k AS (
  SELECT DISTINCT tel.cliente_id AS id, tel.numero
  FROM dup_alvo t JOIN clientes_telefones tel ON tel.cliente_id = t.id
  WHERE substr(tel.numero, 3) !~ '^(.)\\1+$'
    AND substr(tel.numero, 3) NOT IN ('12345678', '123456789', '987654321', '87654321')
), m AS (
  SELECT id, other, count(*) OVER (PARTITION BY id, numero) AS n
  FROM (SELECT DISTINCT k.id, k.numero, o.cliente_id AS other
        FROM k JOIN clientes_telefones o ON o.numero = k.numero AND o.cliente_id <> k.id) s
)
SELECT m.id, m.other FROM m
JOIN clientes c ON c.id_cliente = m.id JOIN clientes o ON o.id_cliente = m.other
WHERE m.n < %(max_shared)s AND {_live("c")} AND {_live("o")}
  AND gc_nome_parecido(c.nome_busca, o.nome_busca)
"""

# Same e-mail (case-insensitive) and a similar name; placeholder e-mails skipped.
_EMAIL_NOME = f"""
WITH k AS (
  SELECT c.id_cliente AS id, lower(c.email) AS email, c.nome_busca
  FROM dup_alvo t JOIN clientes c ON c.id_cliente = t.id
  WHERE {_live("c")} AND c.email LIKE '_%%@_%%'
    AND split_part(lower(c.email), '@', 1) <> ALL (%(emails)s)
), m AS (
  SELECT k.id, o.id_cliente AS other, k.nome_busca, o.nome_busca AS other_nome,
         count(*) OVER (PARTITION BY k.id) AS n
  FROM k JOIN clientes o ON lower(o.email) = k.email AND o.id_cliente <> k.id
  WHERE {_live("o")}
)
SELECT id, other FROM m
WHERE n < %(max_shared)s AND gc_nome_parecido(nome_busca, other_nome)
"""

# The target's CPF with one digit changed, or two neighbours swapped, is
# another client's valid CPF, and the names are alike. Per target: 99 + 10
# probes of the CPF's unique index (few targets: an incremental run).
_CPF_VARIANTES = f"""
WITH k AS (
  SELECT c.id_cliente AS id, c.cpf, c.nome_busca
  FROM dup_alvo t JOIN clientes c ON c.id_cliente = t.id
  WHERE {_live("c")} AND gc_cpf_valido(c.cpf)
), v AS (
  SELECT k.id, k.nome_busca, overlay(k.cpf PLACING d::text FROM p FOR 1) AS variante,
         'cpf_digito' AS motivo
  FROM k, generate_series(1, 11) p, generate_series(0, 9) d
  WHERE substr(k.cpf, p, 1) <> d::text
  UNION ALL
  SELECT k.id, k.nome_busca,
         overlay(k.cpf PLACING substr(k.cpf, p + 1, 1) || substr(k.cpf, p, 1) FROM p FOR 2),
         'cpf_transposto'
  FROM k, generate_series(1, 10) p
  WHERE substr(k.cpf, p, 1) <> substr(k.cpf, p + 1, 1)
)
INSERT INTO dup_achados (a, b, motivo)
SELECT DISTINCT LEAST(v.id, o.id_cliente), GREATEST(v.id, o.id_cliente), v.motivo
FROM v JOIN clientes o ON o.cpf = v.variante
WHERE {_live("o")} AND gc_cpf_valido(o.cpf) AND gc_nome_parecido(v.nome_busca, o.nome_busca)
"""

# The same for many targets at once (a full run, a big import), without 109
# probes per client: two CPFs one digit apart, or with two neighbours
# swapped, differ only within positions 7-11, within 1-5, or within 5-7, so
# they share digits 1-6, 6-11, or 1-4 and 8-11. Targets are hash-joined with
# everyone on each of those three keys (buckets of about one client: CPFs are
# spread over 10^9 bases), the few pairs found are checked position by
# position, and only then their check digits and names.
_CPF_BLOCOS = f"""
WITH x AS (
  SELECT c.id_cliente AS id, c.cpf, c.nome_busca
  FROM dup_alvo t JOIN clientes c ON c.id_cliente = t.id WHERE {_live("c")}
), y AS (
  SELECT c.id_cliente AS id, c.cpf, c.nome_busca FROM clientes c WHERE {_live("c")}
), cand AS (
  SELECT x.id, x.cpf, x.nome_busca, y.id AS other, y.cpf AS other_cpf, y.nome_busca AS other_nome
  FROM x JOIN y ON substr(y.cpf, 1, 6) = substr(x.cpf, 1, 6) AND y.id <> x.id
  UNION
  SELECT x.id, x.cpf, x.nome_busca, y.id, y.cpf, y.nome_busca
  FROM x JOIN y ON substr(y.cpf, 6, 6) = substr(x.cpf, 6, 6) AND y.id <> x.id
  UNION
  SELECT x.id, x.cpf, x.nome_busca, y.id, y.cpf, y.nome_busca
  FROM x JOIN y
    ON substr(y.cpf, 1, 4) || substr(y.cpf, 8, 4) = substr(x.cpf, 1, 4) || substr(x.cpf, 8, 4)
   AND y.id <> x.id
), diff AS MATERIALIZED (
  -- Positions that differ, counted with plain comparisons (about a million candidates).
  SELECT cand.*,
    (substr(cpf, 1, 1) <> substr(other_cpf, 1, 1))::int
    + (substr(cpf, 2, 1) <> substr(other_cpf, 2, 1))::int
    + (substr(cpf, 3, 1) <> substr(other_cpf, 3, 1))::int
    + (substr(cpf, 4, 1) <> substr(other_cpf, 4, 1))::int
    + (substr(cpf, 5, 1) <> substr(other_cpf, 5, 1))::int
    + (substr(cpf, 6, 1) <> substr(other_cpf, 6, 1))::int
    + (substr(cpf, 7, 1) <> substr(other_cpf, 7, 1))::int
    + (substr(cpf, 8, 1) <> substr(other_cpf, 8, 1))::int
    + (substr(cpf, 9, 1) <> substr(other_cpf, 9, 1))::int
    + (substr(cpf, 10, 1) <> substr(other_cpf, 10, 1))::int
    + (substr(cpf, 11, 1) <> substr(other_cpf, 11, 1))::int
    AS n
  FROM cand
), typo AS MATERIALIZED (
  -- The few one-digit or neighbour-swap pairs, before the costlier name check.
  SELECT * FROM diff
  WHERE n = 1 OR (n = 2 AND EXISTS (
    SELECT 1 FROM generate_series(1, 10) p
    WHERE substr(cpf, p, 1) <> substr(other_cpf, p, 1)
      AND substr(cpf, p, 2) = reverse(substr(other_cpf, p, 2))))
)
INSERT INTO dup_achados (a, b, motivo)
SELECT DISTINCT LEAST(id, other), GREATEST(id, other),
       CASE WHEN n = 1 THEN 'cpf_digito' ELSE 'cpf_transposto' END
FROM typo
WHERE gc_cpf_valido(cpf) AND gc_cpf_valido(other_cpf) AND gc_nome_parecido(nome_busca, other_nome)
"""

_RULES = (
    (_NOME_NASCIMENTO, Motivo.NOME_NASCIMENTO),
    (_MAE_NASCIMENTO, Motivo.MAE_NASCIMENTO),
    (_TELEFONE_NOME, Motivo.TELEFONE_NOME),
    (_EMAIL_NOME, Motivo.EMAIL_NOME),
)


def _params() -> dict:
    return {
        "datas": list(DEFAULT_DATES),
        "nomes": list(PLACEHOLDER_NAMES),
        "emails": list(PLACEHOLDER_EMAIL_LOCALS),
        "max_shared": MAX_SHARED,
    }


def prepare(cursor, *, ids_sql: str, params=()) -> int:
    """Create the run's temp tables (dropped at commit) with the targets of ``ids_sql``.

    Call inside a transaction. Return the number of targets.
    """
    cursor.execute(
        "CREATE TEMP TABLE dup_alvo (id bigint PRIMARY KEY) ON COMMIT DROP;"
        "CREATE TEMP TABLE dup_achados (a bigint, b bigint, motivo text) ON COMMIT DROP"
    )
    cursor.execute(f"INSERT INTO dup_alvo (id) {ids_sql} ON CONFLICT DO NOTHING", params)
    count = cursor.rowcount
    cursor.execute("ANALYZE dup_alvo")
    return count


# From this many targets on, one scan of the CPFs beats 109 index probes each
# (measured on the 1M database: 10,000 targets 28 s probing, 16.5 s joining).
BLOCK_JOIN_FROM = 5_000


def find(cursor, *, targets: int) -> None:
    """Run every rule for the ``targets`` clients in ``dup_alvo``, filling ``dup_achados``.

    The CPF rule probes each target's variants when they are few and joins
    CPF blocks when they are many (same result, each faster at its size).
    """
    params = _params()
    for sql, motivo in _RULES:
        cursor.execute(_insert(sql, motivo.value), params)
    cursor.execute(_CPF_BLOCOS if targets >= BLOCK_JOIN_FROM else _CPF_VARIANTES)


@dataclass(frozen=True)
class Match:
    """Another client the target matched, and by which rules."""

    id_cliente: int
    motivos: tuple[str, ...]
    score: int


def score(motivos) -> int:
    """Return the score (0-100) of a pair listed for ``motivos``."""
    return min(100, sum(PESOS[Motivo(m)] for m in set(motivos)))


def matches_of(id_cliente: int) -> list[Match]:
    """Return the clients that ``id_cliente`` probably duplicates, best first.

    For the warning after a create or an edit: the same rules as the stored
    pairs, run for this one client, nothing stored.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        find(cursor, targets=prepare(cursor, ids_sql="SELECT %s", params=[id_cliente]))
        cursor.execute(
            "SELECT CASE WHEN a = %s THEN b ELSE a END, array_agg(DISTINCT motivo)"
            " FROM dup_achados GROUP BY 1",
            [id_cliente],
        )
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE dup_alvo, dup_achados")
    found = [Match(other, tuple(sorted(m)), score(m)) for other, m in rows]
    return sorted(found, key=lambda match: (-match.score, match.id_cliente))
