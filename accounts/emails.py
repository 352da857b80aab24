"""The one spelling of an e-mail address: stored, looked up and counted under.

Python's ``str.lower`` and PostgreSQL's ``UPPER`` (behind ``__iexact``)
disagree on characters such as the long s (U+017F), the dotless i (U+0131)
and the Kelvin sign (U+212A): ``UPPER`` turns the long s into ``S``, so a
case-insensitive lookup of "<long s>am@x.com" found sam's account while the
failed-login counter, keyed on ``lower()``, was a fresh one. So every place
normalises with this function and compares by exact equality: a spelling
reaches an account only if it normalises to that account's stored address,
and then it shares that account's counter.
"""

import unicodedata

MAX_LENGTH = 254


def normalized_email(value: str) -> str:
    """Return ``value`` trimmed, in Unicode NFKC and lower-case.

    NFKC folds compatibility characters into their plain letters (the long s
    into ``s``, the Kelvin sign into ``K``, full-width letters into ASCII);
    lower-casing can leave new compositions, hence NFKC again.
    """
    folded = unicodedata.normalize("NFKC", value.strip()).lower()
    return unicodedata.normalize("NFKC", folded)


def tried_email(value) -> str:
    """Return the e-mail a login attempt named, normalised and bounded (for the audit log)."""
    return normalized_email(str(value or ""))[:MAX_LENGTH]
