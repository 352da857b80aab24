"""Search SQL for clients: the only package that knows how clients are matched.

One concern per module, in the order a search goes through them:

- ``parsing``: what the box holds (e-mail, CPF/phone, name with a birth date
  and mother's name), decided once in ``parse_box``; ``fold`` and name words.
- ``matching``: the ``by_*`` filters, one per criterion, and the box's.
- ``sorting``: orderings, relevance tiers and keyset pagination.
- ``counts``: the capped count, categories and the page's ids in one statement.
- ``suggestions``: corrected spellings of a name that found nobody.

Names are compared in a folded form (lower case, no accents, no apostrophes,
punctuation as spaces) that PostgreSQL computes itself in generated columns
(``nome_busca``, ``nome_tsv``, ``nome_mae_tsv``, see migration 0003). Spellings
alike (migration 0010) rank last and are marked.
"""
