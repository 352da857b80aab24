"""What the search box holds, decided in one place: e-mail, CPF/phone or name.

``parse_box`` reads the text of the box once into a ``BoxQuery``: its kind
(``EMAIL``, ``IDENTIFIER``: a CPF or phone, ``NAME``) and, for a name, the
birth date and mother's name typed with it ("maria silva 12/04/1985 mae
conceicao"). The filters, their validation, the cache key and the ranking all
read that object instead of guessing again. ``fold`` is the Python twin of
SQL ``gc_search_text`` (migration 0003): names are compared folded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from common.br import only_digits

# At most this many words of a name are used (more add cost, not precision).
MAX_NAME_WORDS = 8
# Connecting words of Brazilian names: typed or not, they don't narrow a search.
# An elided "d'" typed apart ("d avila") is one too: the name's index holds
# "avila" as well as "davila" (migration 0010).
PARTICLES = frozenset({"da", "de", "do", "das", "dos", "e", "d", "di", "del", "della", "du"})

_APOSTROPHES = re.compile("['`\u00b4\u2019]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# What a CPF or phone looks like when typed: digits and mask characters only.
_IDENTIFIER = re.compile(r"[\d\s.\-()/+]+")
_MASKED_CPF = re.compile(r"\d{3}\.")


def fold(value: str) -> str:
    """Return ``value`` folded like SQL ``gc_search_text``: "D'Ávila" -> "davila"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    text = _APOSTROPHES.sub("", text)
    return _NON_ALNUM.sub(" ", text).strip()


def name_words(value: str) -> list[str]:
    """Return the distinct folded words of a typed name, particles dropped, in order."""
    words = list(dict.fromkeys(fold(value).split()))
    meaningful = [w for w in words if w not in PARTICLES]
    return (meaningful or words)[:MAX_NAME_WORDS]


def looks_like_identifier(value: str) -> bool:
    """Return True for digits with optional mask characters (a CPF, phone, CEP)."""
    text = (value or "").strip()
    return bool(only_digits(text)) and bool(_IDENTIFIER.fullmatch(text))


def is_masked_cpf(value: str) -> bool:
    """Return True when typed like "123.456...": a CPF, never a phone."""
    return bool(_MASKED_CPF.match(value.strip()))


# A birth date typed with a name: dd/mm/aaaa (or dd.mm.aaaa, dd-mm-aaaa) or ISO.
_BOX_DATE = re.compile(
    r"(?<!\d)(?:(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))(?!\d)"
)
# "maria silva mãe conceição": what follows "mãe"/"mae" is the mother's name.
_BOX_MOTHER = re.compile(r"(?<!\w)m[aã]e(?!\w)[:\s]*", re.IGNORECASE)


EMAIL, IDENTIFIER, NAME = "email", "identifier", "name"


@dataclass(frozen=True)
class BoxQuery:
    """The text of the search box, read once: what it holds and its parts.

    ``kind`` is ``EMAIL``, ``IDENTIFIER`` (digits with mask characters: a CPF
    or a phone) or ``NAME``. A name may come with a birth date and, after
    "mãe", the mother's name. ``bad_date`` is True when something shaped like
    a date is no calendar day (31/02/1985); ``date_count`` tells a second date
    apart.
    """

    text: str = ""
    kind: str = NAME
    name: str = ""
    data_nascimento: date | None = None
    nome_mae: str = ""
    bad_date: bool = False
    date_count: int = 0

    @property
    def digits(self) -> str:
        return only_digits(self.text)

    @property
    def masked_cpf(self) -> bool:
        """True when typed like "123.456...": a CPF, never a phone."""
        return self.kind == IDENTIFIER and is_masked_cpf(self.text)

    @property
    def full_cpf(self) -> bool:
        """True when the box holds a whole CPF (11 digits, masked or not)."""
        return looks_like_identifier(self.text) and len(self.digits) == 11

    @property
    def has_name(self) -> bool:
        """True when a name (some word that is not a particle-only rest) was typed."""
        return self.kind == NAME and bool(name_words(self.name))


@lru_cache(maxsize=1024)
def parse_box(value: str) -> BoxQuery:
    """Read the text of the box: its kind and, for a name, date and mother's name.

    Validation, filtering, the cache key and the ranking of one search all ask
    for the same text: it is read once per process (``BoxQuery`` is immutable).
    """
    text = (value or "").strip()
    if "@" in text:
        return BoxQuery(text=text, kind=EMAIL)
    if looks_like_identifier(text) and not _BOX_DATE.search(text):
        return BoxQuery(text=text, kind=IDENTIFIER)
    found = list(_BOX_DATE.finditer(text))
    born, bad = None, False
    for match in found:
        try:
            if match["y"]:
                born = date(int(match["y"]), int(match["m"]), int(match["d"]))
            else:
                born = date(int(match["iy"]), int(match["im"]), int(match["id"]))
        except ValueError:
            bad = True
    rest = _BOX_DATE.sub(" ", text)
    name, mother = rest, ""
    split = _BOX_MOTHER.split(rest, maxsplit=1)
    if len(split) == 2 and fold(split[1]):
        name, mother = split
    return BoxQuery(
        text=text,
        kind=NAME,
        name=" ".join(name.split()),
        data_nascimento=born,
        nome_mae=" ".join(mother.split()),
        bad_date=bad,
        date_count=len(found),
    )


def name_text(criteria) -> str:
    """Return the name a search looks for ('' for CPF/phone/e-mail or no name)."""
    box = parse_box(criteria.get("q") or "")
    if box.has_name:
        return box.name
    return criteria.get("nome") or ""


def mother_text(criteria) -> str:
    """Return the mother's name a search looks for (the box's "mãe ..." or ``nome_mae``)."""
    box = parse_box(criteria.get("q") or "")
    if box.kind == NAME and box.nome_mae:
        return box.nome_mae
    return criteria.get("nome_mae") or ""
