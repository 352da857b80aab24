"""Imports end to end through the services: files, verdicts, conflict modes, undo."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.choices import Action
from audit.models import AuditEvent
from clientes import services as clientes_services
from clientes.models import Cliente, Endereco, Telefone
from clientes.selectors import cliente_get, cliente_get_by_cpf
from clientes.tests.factories import cliente_data, endereco_data, new_cpf, telefone_data
from imports import services
from imports.models import ImportJob, ImportStatus, Verdict
from imports.tests.conftest import HEADER, csv_bytes, person, upload, xlsx_bytes
from imports.undo import import_undo

pytestmark = pytest.mark.django_db


def run(user, data: bytes, name="clientes.csv", **options):
    return services.import_request(user=user, upload=upload(data, name), **options)


def verdicts(job) -> dict[int, tuple[str, list]]:
    return {row.linha: (row.verdict, row.reasons) for row in job.rows.all()}


@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("utf8.csv", lambda rows: csv_bytes(rows)),
        ("utf8-bom.csv", lambda rows: csv_bytes(rows, bom=True)),
        ("virgula.csv", lambda rows: csv_bytes(rows, delimiter=",")),
        ("excel-br.csv", lambda rows: csv_bytes(rows, encoding="cp1252")),
        ("latin1.csv", lambda rows: csv_bytes(rows, encoding="latin-1")),
        ("planilha.xlsx", lambda rows: xlsx_bytes(rows)),
    ],
)
def test_each_file_kind_and_encoding_imports_accents_intact(gerente, name, build):
    rows = [person(**{"Nome completo": "Conceição Araújo", "Cidade": "São Paulo"})]
    job = run(gerente, build(rows), name, dry_run=False)
    assert job.status == ImportStatus.DONE, job.error
    assert (job.created, job.invalid) == (1, 0), verdicts(job)
    cliente = Cliente.objects.get(cpf=rows[0]["CPF"])
    assert cliente.nome_completo == "Conceição Araújo"
    assert cliente.data_nascimento == date(1980, 5, 17)
    assert cliente.created_by == gerente
    endereco = cliente.enderecos.get()
    assert (endereco.cidade, endereco.cep, endereco.uf, endereco.principal) == (
        "São Paulo", "01310100", "SP", True,
    )  # fmt: skip
    assert sorted(cliente.telefones.values_list("tipo", "numero")) == [
        ("celular", "11987654321"),
        ("fixo", "1133334444"),
    ]


def test_dry_run_gives_a_verdict_per_row_and_writes_nothing(gerente, analista):
    existing = clientes_services.cliente_create(
        actor=analista, data=cliente_data(nome_completo="Antigo Nome")
    )
    rows = [
        person(),  # 2: new
        person(CPF=existing.cpf, **{"Nome completo": "Novo Nome"}),  # 3: changes the name
        person(CPF="123.456.789-00"),  # 4: check digits
        person(**{"Data de nascimento": "31/02/1990"}),  # 5: impossible date
        person(UF="XX"),  # 6: no such UF
        person(CEP="20040-020", UF="SP"),  # 7: a Rio CEP in SP
        person(Celular="(20) 98765-4321"),  # 8: no DDD 20
        person(**{"Nome completo": '=HYPERLINK("http://x")'}),  # 9: a formula
    ]
    before = Cliente.objects.count()
    job = run(gerente, csv_bytes(rows), dry_run=True, on_conflict="update")
    assert job.status == ImportStatus.DONE and job.dry_run
    assert Cliente.objects.count() == before
    assert Cliente.objects.get(pk=existing.pk).nome_completo == "Antigo Nome"
    result = verdicts(job)
    assert result[2][0] == Verdict.CREATE
    assert result[3][0] == Verdict.UPDATE
    assert result[4] == (
        Verdict.INVALID,
        ["CPF: CPF inválido: dígitos verificadores não conferem."],
    )
    assert result[5] == (Verdict.INVALID, ["Data de nascimento: data impossível: 31/02/1990."])
    assert result[6][0] == Verdict.INVALID and "UF" in result[6][1][0]
    assert result[7] == (Verdict.INVALID, ["O CEP 20040-020 não é de SP."])
    assert result[8] == (Verdict.INVALID, ["Celular: DDD inexistente: 20."])
    assert result[9][0] == Verdict.INVALID and "fórmulas" in result[9][1][0]
    assert (job.created, job.updated, job.unchanged, job.invalid) == (1, 1, 0, 6)


def _existing(actor, **data):
    return clientes_services.cliente_create(
        actor=actor,
        data=cliente_data(**data),
        enderecos=[endereco_data()],
        telefones=[telefone_data()],
    )


@pytest.mark.parametrize(
    ("mode", "nome", "nome_social_after", "email_after", "verdict"),
    [
        ("skip", "Nome Antigo", "", "antigo@exemplo.com", Verdict.UNCHANGED),
        ("update", "Nome Do Arquivo", "", "novo@exemplo.com", Verdict.UPDATE),
        ("fill_blanks", "Nome Antigo", "Social Do Arquivo", "antigo@exemplo.com", Verdict.UPDATE),
    ],
)
def test_each_conflict_mode(analista, gerente, mode, nome, nome_social_after, email_after, verdict):
    cliente = _existing(
        analista, nome_completo="Nome Antigo", email="antigo@exemplo.com", nome_social=""
    )
    header = ["CPF", "Nome", "Nome social", "E-mail"]
    row = {"CPF": cliente.cpf_formatado, "Nome": "Nome Do Arquivo",
           "Nome social": "Social Do Arquivo", "E-mail": "novo@exemplo.com"}  # fmt: skip
    job = run(gerente, csv_bytes([row], header=header), dry_run=False, on_conflict=mode)
    assert verdicts(job)[2][0] == verdict
    cliente.refresh_from_db()
    assert cliente.nome_completo == nome
    assert cliente.email == email_after
    if mode == "update":
        # "Nome social" is in the file: replaced; a blank cell never erases.
        assert cliente.nome_social == "Social Do Arquivo"
        assert cliente.versao == 2 and cliente.updated_by == gerente
    else:
        assert cliente.nome_social == nome_social_after


def test_update_changes_address_and_phone_and_blank_cells_erase_nothing(analista, gerente):
    cliente = _existing(analista, nome_mae="Mãe Antiga")
    row = person(CPF=cliente.cpf, CEP="20040-020", UF="RJ", Cidade="Rio de Janeiro",
                 Celular="(21) 99999-0000", **{"Nome da mãe": ""})  # fmt: skip
    job = run(gerente, csv_bytes([row]), dry_run=False, on_conflict="update")
    assert verdicts(job)[2][0] == Verdict.UPDATE
    cliente.refresh_from_db()
    assert cliente.nome_mae == "Mãe Antiga"
    endereco = cliente.enderecos.get()
    assert (endereco.cep, endereco.uf, endereco.cidade) == ("20040020", "RJ", "Rio de Janeiro")
    assert set(cliente.telefones.values_list("tipo", "numero")) == {
        ("celular", "21999990000"),
        ("fixo", "1133334444"),
    }


def test_reimporting_the_same_file_changes_nothing(gerente):
    rows = [person() for _ in range(5)]
    data = csv_bytes(rows)
    first = run(gerente, data, dry_run=False, on_conflict="update")
    assert first.created == 5
    state = list(Cliente.objects.order_by("pk").values("pk", "versao", "updated_at"))
    phones = Telefone.objects.count()
    for mode in ("update", "fill_blanks", "skip"):
        again = run(gerente, data, dry_run=False, on_conflict=mode)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 5), verdicts(again)
    assert list(Cliente.objects.order_by("pk").values("pk", "versao", "updated_at")) == state
    assert Telefone.objects.count() == phones


def test_invalid_rows_never_stop_valid_ones_and_a_repeated_cpf_is_refused(gerente):
    cpf = new_cpf()
    rows = [person(CPF=cpf), person(CPF="111"), person(CPF=cpf), person()]
    job = run(gerente, csv_bytes(rows), dry_run=False)
    result = verdicts(job)
    assert [result[n][0] for n in (2, 3, 4, 5)] == [
        Verdict.CREATE, Verdict.INVALID, Verdict.INVALID, Verdict.CREATE,
    ]  # fmt: skip
    assert result[4][1] == ["CPF repetido no arquivo (já está na linha 2)."]
    assert Cliente.objects.count() == 2


def test_a_row_is_all_or_nothing_when_its_insert_fails(gerente, analista, monkeypatch):
    """A CPF registered after the batch was planned: only that row is refused."""
    rows = [person(), person(), person()]
    taken = rows[1]["CPF"]
    clientes_services.cliente_create(actor=analista, data=cliente_data(cpf=taken))
    real_load = services.load_states

    def planned_before_the_other_insert(cpfs, *, lock):
        return {cpf: s for cpf, s in real_load(cpfs, lock=lock).items() if cpf != taken}

    monkeypatch.setattr(services, "load_states", planned_before_the_other_insert)
    job = run(gerente, csv_bytes(rows), dry_run=False)
    result = verdicts(job)
    assert [result[n][0] for n in (2, 3, 4)] == [Verdict.CREATE, Verdict.INVALID, Verdict.CREATE]
    assert "Já existe um cliente com este CPF" in result[3][1][0]
    assert Cliente.objects.count() == 3
    imported = Cliente.objects.exclude(cpf=taken)
    # Every imported client has its address and phones; the refused row wrote nothing.
    assert Endereco.objects.filter(cliente__in=imported).count() == 2
    assert Telefone.objects.filter(cliente__in=imported).count() == 4
    assert not Endereco.objects.filter(cliente__cpf=taken).exists()


def test_undo_deletes_created_restores_updated_and_refuses_clients_changed_since(analista, gerente):
    kept = _existing(analista, nome_completo="Primeiro Nome")
    touched = _existing(analista, nome_completo="Segundo Nome")
    rows = [
        person(),
        person(CPF=kept.cpf, **{"Nome completo": "Primeiro Importado"}, Celular="(11) 91234-5678"),
        person(CPF=touched.cpf, **{"Nome completo": "Segundo Importado"}),
    ]
    job = run(gerente, csv_bytes(rows), dry_run=False, on_conflict="update")
    assert (job.created, job.updated) == (1, 2)
    created_cpf = rows[0]["CPF"]
    # Someone edits one of the updated clients after the import.
    touched.refresh_from_db()
    clientes_services.cliente_update(
        actor=analista, id_cliente=touched.pk, versao=touched.versao, data={"nome_social": "X"}
    )

    job = import_undo(user=gerente, job=job)

    assert job.status == ImportStatus.UNDONE
    assert job.undo_refused_ids == [touched.pk]
    assert not Cliente.objects.filter(cpf=created_cpf).exists()
    kept.refresh_from_db()
    assert kept.nome_completo == "Primeiro Nome"
    assert list(kept.telefones.values_list("numero", flat=True)) == ["11998765432"]
    assert kept.enderecos.get().cep == "01310100"
    touched.refresh_from_db()
    assert (touched.nome_completo, touched.nome_social) == ("Segundo Importado", "X")
    event = AuditEvent.objects.filter(action=Action.CLIENTE_IMPORT_UNDO).get()
    assert event.details["recusados"] == [touched.pk]
    with pytest.raises(ValidationError, match="já foi desfeita"):
        import_undo(user=gerente, job=job)


def test_one_audit_event_per_import_with_counts_and_ids(gerente):
    job = run(gerente, csv_bytes([person(), person(), person(CPF="1")]), dry_run=False)
    ids = sorted(job.rows.filter(verdict=Verdict.CREATE).values_list("id_cliente", flat=True))
    events = AuditEvent.objects.filter(action=Action.CLIENTE_IMPORT)
    assert events.count() == 1
    details = events.get().details
    assert (details["created"], details["invalid"]) == (2, 1)
    assert sorted(details["ids_criados"]) == ids
    assert not AuditEvent.objects.filter(action=Action.CLIENTE_CREATE).exists()


def test_cache_of_every_touched_client_is_invalidated(
    analista, gerente, django_capture_on_commit_callbacks
):
    cliente = _existing(analista, nome_completo="Nome em Cache")
    novo = person()
    # Both answers cached: the profile, and "no client with this CPF".
    assert cliente_get(user=gerente, id_cliente=cliente.pk).nome_completo == "Nome em Cache"
    assert cliente_get_by_cpf(user=gerente, cpf=novo["CPF"]) is None
    header = ["CPF", "Nome"]
    rows = [{"CPF": cliente.cpf, "Nome": "Nome Novo"}, {"CPF": novo["CPF"], "Nome": "Recém"}]
    with django_capture_on_commit_callbacks(execute=True):
        run(gerente, csv_bytes(rows, header=header), dry_run=False, on_conflict="update")
    assert cliente_get(user=gerente, id_cliente=cliente.pk).nome_completo == "Nome Novo"
    assert cliente_get_by_cpf(user=gerente, cpf=novo["CPF"]).nome_completo == "Recém"


def test_anonymised_and_blocked_clients_are_not_changed(analista, gerente):
    blocked = _existing(analista, nome_completo="Bloqueado")
    Cliente.objects.filter(pk=blocked.pk).update(bloqueado=True)
    header = ["CPF", "Nome"]
    job = run(gerente, csv_bytes([{"CPF": blocked.cpf, "Nome": "Outro"}], header=header),
              dry_run=False, on_conflict="update")  # fmt: skip
    assert verdicts(job)[2][0] == Verdict.INVALID
    assert Cliente.objects.get(pk=blocked.pk).nome_completo == "Bloqueado"


def test_mapping_maps_unknown_headers_and_refuses_a_file_without_cpf(gerente):
    header = ["Documento", "Cliente", "Aniversário"]
    row = {"Documento": new_cpf(), "Cliente": "Ana Lima", "Aniversário": "01/02/1990"}
    with pytest.raises(ValidationError) as error:
        run(gerente, csv_bytes([row], header=header))
    assert "Nenhuma coluna de CPF" in str(error.value)
    assert not ImportJob.objects.exists()
    job = run(
        gerente,
        csv_bytes([row], header=header),
        dry_run=False,
        mapping={"Documento": "cpf", "Aniversário": "data_nascimento"},
    )
    assert job.created == 1
    assert Cliente.objects.get(cpf=row["Documento"]).data_nascimento == date(1990, 2, 1)


def test_apply_a_dry_run_then_undo(gerente):
    rows = [person(), person()]
    dry = run(gerente, xlsx_bytes(rows), "planilha.xlsx")
    assert Cliente.objects.count() == 0
    job = services.import_apply(user=gerente, source=dry)
    assert (job.status, job.created, job.source_id) == (ImportStatus.DONE, 2, dry.pk)
    assert Cliente.objects.count() == 2
    with pytest.raises(ValidationError):
        services.import_apply(user=gerente, source=job)  # not a dry run
    with pytest.raises(ValidationError, match="já foi aplicada"):
        services.import_apply(user=gerente, source=dry)
    import_undo(user=gerente, job=job)
    assert Cliente.objects.count() == 0


@pytest.mark.parametrize("role", ["analista", "encarregado"])
def test_roles_without_the_permission_cannot_import(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        run(user, csv_bytes([person()]))


def test_analista_imports_when_an_administrator_allows_it(analista, system_settings):
    system_settings(import_analista_allowed=True)
    job = run(analista, csv_bytes([person()]), dry_run=False)
    assert job.created == 1


def test_header_order_and_extra_columns_do_not_matter(gerente):
    header = ["Observação", *reversed(HEADER)]
    job = run(gerente, csv_bytes([person(Observação="x")], header=header), dry_run=False)
    assert job.created == 1


def test_undo_keeps_a_created_client_that_got_a_legal_hold_since(gerente):
    from lgpd.models import RetencaoLegal

    rows = [person(), person()]
    job = run(gerente, csv_bytes(rows), dry_run=False)
    held = Cliente.objects.get(cpf=rows[1]["CPF"])
    RetencaoLegal.objects.create(cliente=held, motivo="Processo judicial", ate=date(2040, 1, 1))

    job = import_undo(user=gerente, job=job)

    assert job.undo_refused_ids == [held.pk]
    assert list(Cliente.objects.values_list("pk", flat=True)) == [held.pk]
    assert RetencaoLegal.objects.filter(cliente=held).exists()


def test_the_uploaded_file_is_deleted_once_applied(gerente, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    dry = run(gerente, csv_bytes([person()]))
    assert default_storage.exists(dry.file.name)  # kept for the apply step
    with django_capture_on_commit_callbacks(execute=True):
        services.import_apply(user=gerente, source=dry)
    assert not default_storage.exists(dry.file.name)
