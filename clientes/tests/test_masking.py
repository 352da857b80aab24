"""One CPF policy: lists always masked; profile and exports full only with permission."""

import pytest
from django.template import Context, Template

from clientes.masking import CpfUse, can_see_full_cpf, cpf_for

CPF = "52998224725"
FULL, MASKED = "529.982.247-25", "***.982.247-**"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "use", "expected"),
    [
        ("analista", CpfUse.LIST, MASKED),
        ("analista", CpfUse.PROFILE, MASKED),
        ("analista", CpfUse.EXPORT, MASKED),
        ("gerente", CpfUse.LIST, MASKED),
        ("gerente", CpfUse.PROFILE, FULL),
        ("gerente", CpfUse.EXPORT, FULL),
        ("administrador", CpfUse.LIST, MASKED),
        ("administrador", CpfUse.PROFILE, FULL),
        ("administrador", CpfUse.EXPORT, FULL),
        (None, CpfUse.PROFILE, MASKED),
    ],
)
def test_cpf_for_each_role_and_use(request, role, use, expected):
    user = request.getfixturevalue(role) if role else None
    assert cpf_for(user, CPF, use) == expected


@pytest.mark.django_db
def test_permission_granted_to_a_role_is_honoured(analista):
    from django.contrib.auth.models import Permission

    analista.user_permissions.add(Permission.objects.get(codename="view_cpf_completo"))
    analista = type(analista).objects.get(pk=analista.pk)  # fresh permission cache
    assert can_see_full_cpf(analista)
    assert cpf_for(analista, CPF, "export") == FULL


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "expected"), [("analista", MASKED), ("gerente", FULL)])
def test_template_filters(request, role, expected):
    user = request.getfixturevalue(role)
    template = Template("{% load cpf_masking %}{{ cpf|cpf_perfil:user }}|{{ cpf|cpf_lista }}")
    assert template.render(Context({"cpf": CPF, "user": user})) == f"{expected}|{MASKED}"


def test_garbage_is_never_shown_as_is():
    assert cpf_for(None, "123", CpfUse.LIST) == "***.***.***-**"
