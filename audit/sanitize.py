"""Keep secrets and full CPFs out of audit details and log lines.

One rule for both: any key that names a secret is dropped, and anything that
looks like a CPF (11 digits, formatted or not, whatever separates them) is masked by
``common.br.mask_cpf`` (the middle six digits only).
"""

from __future__ import annotations

import re

from common.br import mask_cpf, only_digits

# 11 digits, whatever separates them (000.000.000-00, "529 982 247 25",
# "529-982-247-25", dots in odd places, slashes: up to 3 of space, tab, dot,
# dash, slash, backslash or underscore between two digits), not glued to
# other letters/digits (so hex request ids, longer numbers and ISO timestamps,
# whose ":" and "T" are no separators, are left alone).
_SEPARATOR = r"[ \t.\-/\\_]{0,3}"
CPF_LIKE = re.compile(rf"(?<![\w.\-])\d(?:{_SEPARATOR}\d){{10}}(?!\w)")

# Keys whose values are never stored: matched as substrings, case-insensitive.
SECRET_KEY_PARTS = (
    "password",
    "senha",
    "token",
    "secret",
    "segredo",
    "authorization",
    "cookie",
    "session",
    "csrf",
    "api_key",
    "apikey",
)
REMOVED = "[removido]"


def mask_cpfs_in_text(text: str) -> str:
    """Return ``text`` with every CPF-looking number masked."""
    if not text or not any(c.isdigit() for c in text):
        return text
    return CPF_LIKE.sub(lambda m: mask_cpf(only_digits(m.group(0))), text)


def is_secret_key(key) -> bool:
    lowered = str(key).lower()
    if lowered in ("access", "refresh"):  # simplejwt's token pair
        return True
    return any(part in lowered for part in SECRET_KEY_PARTS)


def sanitize(value):
    """Return a JSON-safe copy of ``value`` without secrets and with CPFs masked."""
    if isinstance(value, dict):
        return {str(k): (REMOVED if is_secret_key(k) else sanitize(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [sanitize(v) for v in value]
    if isinstance(value, str):
        return mask_cpfs_in_text(value)
    if isinstance(value, int) and not isinstance(value, bool) and 10**10 <= value < 10**11:
        return mask_cpf(str(value))
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return mask_cpfs_in_text(str(value))
