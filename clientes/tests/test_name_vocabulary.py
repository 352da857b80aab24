"""The name vocabulary behind "Você quis dizer" follows names, not other edits."""

import pytest
from django.db import connection

from clientes.models import Cliente

pytestmark = pytest.mark.django_db


def _frequency(word):
    with connection.cursor() as cursor:
        cursor.execute("SELECT frequencia FROM clientes_nome_palavras WHERE palavra = %s", [word])
        row = cursor.fetchone()
    return row[0] if row else 0


def test_other_edits_do_not_inflate_name_frequencies():
    cliente = Cliente.objects.create(cpf="52998224725", nome_completo="Gervásio Quintanilha")
    before = _frequency("quintanilha")
    assert before >= 1

    cliente.email = "gervasio@example.com"
    cliente.save()
    Cliente.objects.filter(pk=cliente.pk).update(ativo=False)

    assert _frequency("quintanilha") == before


def test_a_renamed_client_adds_the_new_words():
    cliente = Cliente.objects.create(cpf="11144477735", nome_completo="Gervásio Quintanilha")
    assert _frequency("valadares") == 0

    cliente.nome_completo = "Gervásio Valadares"
    cliente.save()

    assert _frequency("valadares") == 1
    # The frequency is rough: a rename counts every word of the new name again.
    assert _frequency("gervasio") == 2
