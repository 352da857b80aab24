"""Corrected spellings of a name that found nobody ("você quis dizer")."""

from __future__ import annotations

import itertools

from django.db import connections

from clientes.models import Cliente
from clientes.search.matching import by_name
from clientes.search.parsing import name_words
from common import replicas

# "Você quis dizer": a misspelled word is replaced by vocabulary words at most
# this many edits away (levenshtein), the most frequent first.
SUGGESTION_CANDIDATES = 3


def _max_edits(word: str) -> int:
    return 1 if len(word) <= 4 else 2


def _word_candidates(cursor, word: str) -> list[str]:
    """Return the typed word (if some name has a word starting with it) and close words."""
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM clientes_nome_palavras WHERE palavra LIKE %s)",
        [word + "%"],
    )
    typed = [word] if cursor.fetchone()[0] else []
    edits = _max_edits(word)
    cursor.execute(
        """
        SELECT palavra FROM clientes_nome_palavras
        WHERE length(palavra) BETWEEN %s AND %s AND palavra <> %s
          AND levenshtein(palavra, %s) <= %s
        ORDER BY levenshtein(palavra, %s), frequencia DESC, palavra
        LIMIT %s
        """,
        [len(word) - edits, len(word) + edits, word, word, edits, word, SUGGESTION_CANDIDATES],
    )
    return typed + [row[0] for row in cursor.fetchall()]


def suggest_names(value: str, limit: int = 3) -> list[str]:
    """Return corrected spellings of a typed name that found nothing.

    Words are swapped for the closest words of the name vocabulary, fewest
    changes first ("maira silva" -> "maria silva", "luiz souza" -> "luis
    souza" when only a Luís Souza exists); only spellings that find someone
    are offered.
    """
    words = name_words(value)
    if not words:
        return []
    with connections[replicas.read_alias()].cursor() as cursor:
        candidates = [_word_candidates(cursor, word) for word in words]
    if not all(candidates):
        return []  # a word with nothing close: beyond repair
    # Best combinations first: the sum of each word's candidate rank.
    combos = sorted(
        itertools.product(*(enumerate(c) for c in candidates)),
        key=lambda combo: sum(rank for rank, _word in combo),
    )
    suggestions = []
    for combo in combos[: limit * 4]:
        text = " ".join(word for _rank, word in combo)
        if text == " ".join(words):
            continue  # what was typed found nobody
        if by_name(Cliente.objects.all(), text).exists():
            suggestions.append(text)
            if len(suggestions) == limit:
                break
    return suggestions
