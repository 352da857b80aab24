"""Generate rows of realistic Brazilian clients, deterministically for a seed.

Rows come out as tab-separated lines ready for PostgreSQL ``COPY ... FROM STDIN``
(text format), in batches, so that a million clients never sit in memory.
"""

from __future__ import annotations

import itertools
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from clientes.search.parsing import fold
from clientes.seed import data
from common.br import cpf_check_digits

CLIENTE_COLUMNS = (
    "id_cliente", "cpf", "nome_completo", "nome_social", "data_nascimento", "sexo",
    "nome_mae", "email", "ativo", "motivo_inativacao", "created_at", "updated_at", "versao",
    # Filled here so that the address triggers of migrations 0006/0007 update nothing.
    "cidade_principal_busca", "uf_principal", "enderecos_secundarios_busca",
)  # fmt: skip
ENDERECO_COLUMNS = (
    "cliente_id", "cep", "logradouro", "numero", "complemento", "bairro", "cidade", "uf",
    "principal",
)  # fmt: skip
TELEFONE_COLUMNS = ("cliente_id", "tipo", "numero", "principal")

INACTIVE_SHARE = 0.10
EMAIL_SHARE = 0.85


def other_address_tokens(addresses: list[tuple[str, str]]) -> str:
    """Return the COPY text of ``enderecos_secundarios_busca`` for (cidade, uf) pairs.

    The same sorted tokens migration 0007's trigger computes, or NULL (``\\N``).
    """
    tokens = set()
    for cidade, uf in addresses:
        folded = fold(cidade)
        tokens.update((f"uf:{uf}", f"cidade:{folded}", f"local:{uf}:{folded}"))
    if not tokens:
        return "\\N"
    return "{" + ",".join(f'"{token}"' for token in sorted(tokens)) + "}"


@dataclass
class Batch:
    clientes: str
    enderecos: str
    telefones: str
    count: int


class _Weighted:
    """Draw from a {value: weight} table with precomputed cumulative weights."""

    def __init__(self, table):
        items = list(table.items()) if isinstance(table, dict) else list(table)
        self.values = [v for v, _ in items]
        self.cum = list(itertools.accumulate(w for _, w in items))

    def draw(self, rng: random.Random, k: int) -> list:
        return rng.choices(self.values, cum_weights=self.cum, k=k)


def ascii_fold(text: str) -> str:
    """Return ``text`` lower-case without accents or apostrophes (for emails)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).lower()


class ClientGenerator:
    """Yield batches of client, address and phone rows for ids starting at ``first_id``."""

    def __init__(self, seed: int, today: date | None = None):
        self.rng = random.Random(seed)
        self.today = today or date.today()
        self.female = _Weighted(data.FEMALE_FIRST_NAMES)
        self.male = _Weighted(data.MALE_FIRST_NAMES)
        self.female_second = _Weighted(data.FEMALE_SECOND_NAMES)
        self.male_second = _Weighted(data.MALE_SECOND_NAMES)
        self.surnames = _Weighted(data.SURNAMES)
        self.cities = _Weighted(((c, uf), pop) for c, uf, pop in data.CITIES)
        self.street_types = _Weighted(data.STREET_TYPES)
        self.complements = _Weighted(data.COMPLEMENTS)
        self.domains = _Weighted(data.EMAIL_DOMAINS)
        self.age_bands = _Weighted(data.AGE_BANDS)
        self.now = datetime.now(UTC).replace(microsecond=0)

    # --- pieces ------------------------------------------------------------

    def unique_cpfs(self, count: int) -> list[str]:
        """Return ``count`` distinct valid CPFs (never repeated-digit ones)."""
        bases = self.rng.sample(range(1, 999_999_999), count + 16)
        cpfs = []
        for base in bases:
            b9 = f"{base:09d}"
            if b9 == b9[0] * 9:
                continue
            cpfs.append(b9 + cpf_check_digits(b9))
            if len(cpfs) == count:
                break
        return cpfs

    def _surnames(self, k: int) -> list[str]:
        rng = self.rng
        chosen = []
        for surname in self.surnames.draw(rng, k):
            if surname in chosen:
                continue
            particle = data.SURNAME_PARTICLES.get(surname)
            if particle and rng.random() < 0.4:
                chosen.append(f"{particle} {surname}")
            else:
                chosen.append(surname)
        return chosen

    def _given(self, sexo: str) -> str:
        rng = self.rng
        first = (self.female if sexo == "F" else self.male).draw(rng, 1)[0]
        if rng.random() < 0.3:
            second = (self.female_second if sexo == "F" else self.male_second).draw(rng, 1)[0]
            if second != first:
                return f"{first} {second}"
        return first

    def _birth_date(self) -> date:
        low, high = self.age_bands.draw(self.rng, 1)[0]
        age = self.rng.randint(low, high)
        try:
            latest = self.today.replace(year=self.today.year - age)
        except ValueError:  # 29 February
            latest = self.today.replace(year=self.today.year - age, day=28)
        # Up to 364 days before the birthday that makes them ``age`` today.
        return latest - timedelta(days=self.rng.randint(0, 364))

    def _phone(self, uf: str, mobile: bool) -> str:
        rng = self.rng
        ddds = data.UF_DDDS[uf]
        ddd = ddds[0] if rng.random() < 0.6 else rng.choice(ddds)
        if mobile:
            return f"{ddd}9{rng.randint(60000000, 99999999)}"
        return f"{ddd}{rng.randint(2, 5)}{rng.randint(0, 9999999):07d}"

    def _cep(self, uf: str) -> str:
        low, high = data.UF_CEP_RANGES[uf]
        return f"{self.rng.randint(low, high):05d}{self.rng.randint(0, 999):03d}"

    # --- rows --------------------------------------------------------------

    def batches(self, first_id: int, count: int, batch_size: int = 20_000) -> Iterator[Batch]:
        cpfs = self.unique_cpfs(count)
        for start in range(0, count, batch_size):
            size = min(batch_size, count - start)
            yield self._batch(first_id + start, cpfs[start : start + size])

    def _batch(self, first_id: int, cpfs: list[str]) -> Batch:
        rng = self.rng
        clientes, enderecos, telefones = [], [], []
        five_years = 5 * 365 * 86400
        for offset, cpf in enumerate(cpfs):
            id_cliente = first_id + offset
            sexo = "F" if rng.random() < 0.52 else "M"
            surnames = self._surnames(rng.choice((1, 2, 2, 2, 3)))
            mother_surnames = self._surnames(rng.choice((1, 2, 2)))
            # A child usually carries the mother's surname before the father's.
            if mother_surnames[-1] not in surnames and rng.random() < 0.7:
                surnames = [mother_surnames[-1], *surnames][-3:]
            nome = f"{self._given(sexo)} {' '.join(surnames)}"
            nome_mae = f"{self._given('F')} {' '.join(mother_surnames)}"
            ativo = rng.random() >= INACTIVE_SHARE
            created = self.now - timedelta(seconds=rng.randint(0, five_years))
            email = ""
            if rng.random() < EMAIL_SHARE:
                first = ascii_fold(nome.split()[0])
                last = ascii_fold(surnames[-1].split()[-1])
                email = f"{first}.{last}{rng.randint(1, 9999)}@{self.domains.draw(rng, 1)[0]}"
            nascimento = self._birth_date().isoformat()  # drawn in its old order
            others = []
            for n_addr in range(1 if rng.random() < 0.9 else 2):
                cidade, uf = self.cities.draw(rng, 1)[0]
                street = f"{self.street_types.draw(rng, 1)[0]} {rng.choice(data.STREET_NAMES)}"
                enderecos.append(
                    "\t".join(
                        (
                            str(id_cliente),
                            self._cep(uf),
                            street,
                            str(rng.randint(1, 3999)),
                            self.complements.draw(rng, 1)[0],
                            rng.choice(data.NEIGHBOURHOODS),
                            cidade,
                            uf,
                            "t" if n_addr == 0 else "f",
                        )
                    )
                )
                if n_addr == 0:
                    home_cidade, home_uf = cidade, uf
                else:
                    others.append((cidade, uf))
            clientes.append(
                "\t".join(
                    (
                        str(id_cliente),
                        cpf,
                        nome,
                        "",
                        nascimento,
                        sexo,
                        nome_mae,
                        email,
                        "t" if ativo else "f",
                        "" if ativo else "Solicitação do cliente",
                        created.isoformat(),
                        created.isoformat(),
                        "1",
                        fold(home_cidade),
                        home_uf,
                        other_address_tokens(others),
                    )
                )
            )
            phones = []
            if rng.random() < 0.92:
                phones.append(("celular", self._phone(home_uf, mobile=True)))
            if rng.random() < 0.35 or not phones:
                phones.append(("fixo", self._phone(home_uf, mobile=False)))
            for i, (tipo, numero) in enumerate(phones):
                telefones.append(f"{id_cliente}\t{tipo}\t{numero}\t{'t' if i == 0 else 'f'}")
        return Batch(
            clientes="\n".join(clientes) + "\n",
            enderecos="\n".join(enderecos) + "\n",
            telefones="\n".join(telefones) + "\n",
            count=len(cpfs),
        )
