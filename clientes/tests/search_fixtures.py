"""A handful of clients that exercise every search rule (shared by search tests)."""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from clientes.models import Cliente, Endereco, Telefone
from common.br import cpf_check_digits


def make_cpf(base9: str) -> str:
    return base9 + cpf_check_digits(base9)


def born(years: int) -> date:
    """A birth date making the client ``years`` old today (a month past the birthday)."""
    today = timezone.localdate()
    return date(today.year - years, 1, 1) if today.month > 2 else date(today.year - years - 1, 6, 1)


def make_cliente(
    cpf,
    nome,
    idade,
    cidade="São Paulo",
    uf="SP",
    *,
    sexo="F",
    ativo=True,
    nome_mae="",
    email="",
    telefone="",
    cep="01310100",
    criado=None,
    outro_endereco=None,
):
    cliente = Cliente.objects.create(
        cpf=cpf,
        nome_completo=nome,
        data_nascimento=born(idade) if idade is not None else None,
        sexo=sexo,
        ativo=ativo,
        nome_mae=nome_mae,
        email=email,
    )
    if criado:
        Cliente.objects.filter(pk=cliente.pk).update(created_at=criado)
    Endereco.objects.create(
        cliente=cliente, cep=cep, logradouro="Rua das Flores", cidade=cidade, uf=uf, principal=True
    )
    if outro_endereco:
        outra_cidade, outra_uf = outro_endereco
        Endereco.objects.create(
            cliente=cliente, cep="20000000", logradouro="Rua B", cidade=outra_cidade, uf=outra_uf
        )
    if telefone:
        Telefone.objects.create(cliente=cliente, tipo="celular", numero=telefone, principal=True)
    return cliente


CPF_JOAO = make_cpf("529982247")  # 529.982.247-25
CPF_CONCEICAO = make_cpf("111444777")
CPF_DAVILA = make_cpf("390533447")
CPF_MARIA_SILVA = make_cpf("153509460")


def search_clients():
    """Return {key: Cliente} for the search table tests."""
    return {
        "joao": make_cliente(
            CPF_JOAO,
            "João da Silva Santos",
            40,
            sexo="M",
            nome_mae="Maria Conceição da Silva",
            email="Joao.Silva@gmail.com",
            telefone="11987654321",
            criado=datetime(2025, 1, 10, 15, tzinfo=UTC),
        ),
        "conceicao": make_cliente(
            CPF_CONCEICAO,
            "Maria Conceição",
            25,
            "Goiânia",
            "GO",
            nome_mae="Ana Souza",
            email="maria.c@hotmail.com",
            telefone="6233334444",
            cep="74000000",
        ),
        "davila": make_cliente(
            CPF_DAVILA,
            "Pedro D'Ávila Souza",
            70,
            "Recife",
            "PE",
            sexo="M",
            ativo=False,
            nome_mae="Francisca D'Ávila",
            telefone="81955556666",
            cep="50000000",
        ),
        "maria_silva": make_cliente(
            CPF_MARIA_SILVA,
            "Maria Silva",
            33,
            "Rio de Janeiro",
            "RJ",
            cep="20000000",
            outro_endereco=("São Paulo", "SP"),
            criado=timezone.now() - timedelta(days=1),
        ),
    }
