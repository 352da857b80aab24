"""From a CEP to its UF (known ranges) and, when configured, city and street.

The UF comes from the Correios ranges below, with no network. City, street and
neighbourhood come from an address service (ViaCEP-compatible JSON) only when
``CEP_SERVICE_URL`` is set (off by default); it is asked with a short timeout
and any failure (offline, slow, unknown CEP) silently leaves just the UF.
"""

from __future__ import annotations

import json
import logging
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

# First five CEP digits (inclusive ranges) of each UF.
UF_CEP_RANGES = {
    "SP": (1000, 19999), "RJ": (20000, 28999), "ES": (29000, 29999), "MG": (30000, 39999),
    "BA": (40000, 48999), "SE": (49000, 49999), "PE": (50000, 56999), "AL": (57000, 57999),
    "PB": (58000, 58999), "RN": (59000, 59999), "CE": (60000, 63999), "PI": (64000, 64999),
    "MA": (65000, 65999), "PA": (66000, 68899), "AP": (68900, 68999), "AM": (69000, 69299),
    "RR": (69300, 69399), "AC": (69900, 69999), "DF": (70000, 72799), "GO": (72800, 76799),
    "RO": (76800, 76999), "TO": (77000, 77999), "MT": (78000, 78899), "MS": (79000, 79999),
    "PR": (80000, 87999), "SC": (88000, 89999), "RS": (90000, 99999),
}  # fmt: skip


# Our field -> the address service's (ViaCEP's names).
SERVICE_FIELDS = (("cidade", "localidade"), ("logradouro", "logradouro"), ("bairro", "bairro"))


def uf_for_cep(digits: str) -> str:
    """Return the UF of an 8-digit CEP, or "" when no range holds it."""
    if len(digits) != 8 or not digits.isdigit():
        return ""
    prefix = int(digits[:5])
    return next((uf for uf, (low, high) in UF_CEP_RANGES.items() if low <= prefix <= high), "")


def address_for_cep(digits: str) -> dict:
    """Return ``{uf, cidade, logradouro, bairro}`` for an 8-digit CEP (blanks when unknown)."""
    found = {"uf": uf_for_cep(digits), "cidade": "", "logradouro": "", "bairro": ""}
    if not found["uf"] or not settings.CEP_SERVICE_URL:
        return found
    url = settings.CEP_SERVICE_URL.format(cep=digits)
    try:
        # The URL is the operator's setting, the CEP 8 checked digits.
        with urllib.request.urlopen(url, timeout=settings.CEP_SERVICE_TIMEOUT) as response:  # noqa: S310
            data = json.loads(response.read(64_000))
    except (OSError, ValueError) as exc:
        logger.info("CEP service unavailable: %s", type(exc).__name__)
        return found
    if not isinstance(data, dict) or data.get("erro"):
        return found
    service_uf = str(data.get("uf") or "")
    if service_uf and service_uf != found["uf"]:
        return found  # a service answer that contradicts the ranges is not trusted
    for ours, theirs in SERVICE_FIELDS:
        found[ours] = str(data.get(theirs) or "")[:100]
    return found
