from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clientes import services
from clientes.models import Cliente, Endereco, Telefone
from clientes.tests.factories import cliente_data, endereco_data, new_cpf, telefone_data

pytestmark = pytest.mark.django_db


def _create(actor=None, **overrides):
    return services.cliente_create(
        actor=actor,
        data=cliente_data(**overrides),
        enderecos=[endereco_data()],
        telefones=[telefone_data()],
    )


def _codes(exc_info) -> dict:
    return {key: [e.code for e in errors] for key, errors in exc_info.value.error_dict.items()}


def test_create_saves_client_addresses_and_phones_normalised(analista):
    cliente = _create(actor=analista, cpf="529.982.247-25")
    cliente.refresh_from_db()
    assert cliente.cpf == "52998224725"
    assert cliente.created_by == analista and cliente.updated_by == analista
    assert cliente.versao == 1
    endereco = cliente.enderecos.get()
    assert (endereco.cep, endereco.principal) == ("01310100", True)
    assert cliente.telefones.get().numero == "11998765432"


_TODAY = timezone.localdate()

# Every validation rule of the client: input -> (field, error code).
VALIDATION_TABLE = [
    ({"cpf": "529.982.247-26"}, "cpf", "cpf_invalid"),
    ({"cpf": "111.111.111-11"}, "cpf", "cpf_invalid"),
    ({"cpf": "5299822472"}, "cpf", "cpf_length"),
    ({"cpf": "52998224725x"}, "cpf", "cpf_invalid"),
    ({"cpf": "'; DROP TABLE clientes;--"}, "cpf", "cpf_invalid"),
    ({"nome_completo": "   "}, "nome_completo", "required"),
    ({"nome_completo": "A" * 300}, "nome_completo", "max_length"),
    ({"nome_mae": "Ana\x00Souza"}, "nome_mae", "texto_invalido"),
    ({"data_nascimento": _TODAY + timedelta(days=1)}, "data_nascimento", "data_nascimento_futura"),
    (
        {"data_nascimento": date(_TODAY.year - 131, 1, 1)},
        "data_nascimento",
        "data_nascimento_antiga",
    ),
    ({"email": "maria@"}, "email", "invalid"),
    ({"sexo": "X"}, "sexo", "invalid_choice"),
]


@pytest.mark.parametrize(("overrides", "field", "code"), VALIDATION_TABLE)
def test_create_refuses_invalid_client_fields(overrides, field, code):
    with pytest.raises(ValidationError) as exc_info:
        services.cliente_create(actor=None, data=cliente_data(**overrides))
    assert code in _codes(exc_info)[field]
    assert not Cliente.objects.exists()


NESTED_TABLE = [
    ("enderecos", {"cep": "0131010"}, "enderecos.0.cep", "cep_invalid"),
    ("enderecos", {"cep": "01310-10a"}, "enderecos.0.cep", "cep_invalid"),
    ("enderecos", {"uf": "XX"}, "enderecos.0.uf", "invalid_choice"),
    ("enderecos", {"cidade": ""}, "enderecos.0.cidade", "blank"),
    ("telefones", {"numero": "(11) 8888-777"}, "telefones.0.numero", "phone_length"),
    ("telefones", {"numero": "(20) 99999-9999"}, "telefones.0.numero", "phone_ddd"),
    ("telefones", {"numero": "(11) 89999-9999"}, "telefones.0.numero", "phone_mobile"),
    ("telefones", {"numero": "(11) 1333-4444"}, "telefones.0.numero", "phone_landline"),
    ("telefones", {"tipo": "pager"}, "telefones.0.tipo", "invalid_choice"),
]


@pytest.mark.parametrize(("name", "overrides", "key", "code"), NESTED_TABLE)
def test_create_refuses_invalid_nested_rows_and_saves_nothing(name, overrides, key, code):
    nested = {
        "enderecos": [endereco_data(**(overrides if name == "enderecos" else {}))],
        "telefones": [telefone_data(**(overrides if name == "telefones" else {}))],
    }
    with pytest.raises(ValidationError) as exc_info:
        services.cliente_create(actor=None, data=cliente_data(), **nested)
    assert code in _codes(exc_info)[key]
    assert not Cliente.objects.exists() and not Endereco.objects.exists()
    assert not Telefone.objects.exists()


def test_only_one_principal_address():
    with pytest.raises(ValidationError) as exc_info:
        services.cliente_create(
            actor=None,
            data=cliente_data(),
            enderecos=[endereco_data(), endereco_data(logradouro="Rua B")],
        )
    assert _codes(exc_info)["enderecos"] == ["principal_multiplo"]


def test_first_address_becomes_principal_when_none_is_marked():
    cliente = services.cliente_create(
        actor=None,
        data=cliente_data(),
        enderecos=[endereco_data(principal=False), endereco_data(principal=False, logradouro="B")],
    )
    assert [e.principal for e in cliente.enderecos.order_by("id")] == [True, False]


def test_duplicate_cpf_is_a_field_error():
    existing = _create()
    with pytest.raises(ValidationError) as exc_info:
        _create(cpf=existing.cpf_formatado)
    assert _codes(exc_info) == {"cpf": ["cpf_duplicado"]}
    assert Cliente.objects.count() == 1


def test_duplicate_cpf_race_on_the_unique_index_is_a_field_error():
    """Two saves pass the pre-check at once: the index decides, no 500."""
    existing = _create()
    late = Cliente(cpf=existing.cpf, nome_completo="Outro")
    with pytest.raises(ValidationError) as exc_info:
        services._save(late, {"enderecos": None, "telefones": None})
    assert _codes(exc_info) == {"cpf": ["cpf_duplicado"]}
    assert Cliente.objects.count() == 1


def test_update_changes_fields_bumps_version_and_records_actor(analista, gerente):
    cliente = _create(actor=analista)
    updated = services.cliente_update(
        actor=gerente, id_cliente=cliente.pk, versao=1, data={"nome_completo": "Maria Souza"}
    )
    updated.refresh_from_db()
    assert (updated.nome_completo, updated.versao, updated.updated_by) == (
        "Maria Souza",
        2,
        gerente,
    )
    assert updated.created_by == analista
    assert updated.enderecos.count() == 1  # nested lists not given: untouched


def test_update_with_stale_version_is_refused_naming_who_changed_it(analista, gerente):
    cliente = _create(actor=analista)
    services.cliente_update(
        actor=gerente, id_cliente=cliente.pk, versao=1, data={"nome_social": "Mari"}
    )
    with pytest.raises(services.ClienteAlteradoError) as exc_info:
        services.cliente_update(
            actor=analista, id_cliente=cliente.pk, versao=1, data={"nome_completo": "Perdida"}
        )
    cliente.refresh_from_db()
    assert cliente.nome_completo == "Maria da Conceição Souza" and cliente.nome_social == "Mari"
    when = timezone.localtime(cliente.updated_at).strftime("%H:%M")
    assert "Gerente" in exc_info.value.message and when in exc_info.value.message


def test_update_replaces_nested_rows_and_moves_principal():
    cliente = _create()
    old = cliente.enderecos.get()
    services.cliente_update(
        actor=None,
        id_cliente=cliente.pk,
        versao=1,
        data={},
        enderecos=[
            {**endereco_data(principal=False), "id": old.pk},
            endereco_data(logradouro="Rua Nova", cep="20040020", cidade="Rio de Janeiro", uf="RJ"),
        ],
        telefones=[],
    )
    enderecos = list(cliente.enderecos.order_by("id"))
    assert [(e.pk == old.pk, e.principal) for e in enderecos] == [(True, False), (False, True)]
    assert not cliente.telefones.exists()


def test_update_refuses_a_row_of_another_client():
    one, other = _create(), _create()
    with pytest.raises(ValidationError) as exc_info:
        services.cliente_update(
            actor=None,
            id_cliente=one.pk,
            versao=1,
            data={},
            telefones=[{**telefone_data(), "id": other.telefones.get().pk}],
        )
    assert _codes(exc_info) == {"telefones.0.id": ["item_inexistente"]}
    assert other.telefones.count() == 1


def test_invalid_update_leaves_database_unchanged():
    cliente = _create()
    with pytest.raises(ValidationError):
        services.cliente_update(
            actor=None,
            id_cliente=cliente.pk,
            versao=1,
            data={"nome_completo": "Novo Nome"},
            telefones=[telefone_data(numero="123")],
        )
    cliente.refresh_from_db()
    assert (cliente.nome_completo, cliente.versao, cliente.telefones.count()) == (
        "Maria da Conceição Souza", 1, 1,
    )  # fmt: skip


def test_update_of_a_deleted_client_raises_does_not_exist():
    cliente = _create()
    services.cliente_delete(actor=None, id_cliente=cliente.pk)
    with pytest.raises(Cliente.DoesNotExist):
        services.cliente_update(
            actor=None, id_cliente=cliente.pk, versao=1, data={"nome_completo": "X"}
        )


def test_deactivate_needs_a_reason_and_reactivate_clears_it(analista):
    cliente = _create()
    with pytest.raises(ValidationError) as exc_info:
        services.cliente_deactivate(actor=analista, id_cliente=cliente.pk, motivo="  ")
    assert _codes(exc_info) == {"motivo_inativacao": ["required"]}

    services.cliente_deactivate(actor=analista, id_cliente=cliente.pk, motivo="Óbito")
    cliente.refresh_from_db()
    assert (cliente.ativo, cliente.motivo_inativacao, cliente.versao) == (False, "Óbito", 2)

    with pytest.raises(ValidationError):
        services.cliente_deactivate(actor=analista, id_cliente=cliente.pk, motivo="de novo")

    services.cliente_reactivate(actor=analista, id_cliente=cliente.pk)
    cliente.refresh_from_db()
    assert (cliente.ativo, cliente.motivo_inativacao, cliente.versao) == (True, "", 3)
    with pytest.raises(ValidationError):
        services.cliente_reactivate(actor=analista, id_cliente=cliente.pk)


def test_delete_removes_client_and_children():
    cliente = _create()
    keep = _create(cpf=new_cpf())
    services.cliente_delete(actor=None, id_cliente=cliente.pk)
    assert list(Cliente.objects.all()) == [keep]
    assert Endereco.objects.count() == 1 and Telefone.objects.count() == 1


def test_hostile_text_is_stored_as_typed():
    hostile = "<script>alert('x')</script> Robert'); DROP TABLE clientes;--"
    cliente = _create(nome_completo=hostile[:255])
    cliente.refresh_from_db()
    assert cliente.nome_completo == hostile
