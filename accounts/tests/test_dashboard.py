"""Home dashboard cards per role; header and footer."""

import pytest
from django.urls import NoReverseMatch, reverse

from accounts.dashboard import CARDS


def _installed(url_name):
    try:
        reverse(url_name)
    except NoReverseMatch:
        return False
    return True


# What each role must see (among the features installed in this build).
EXPECTED = {
    "analista": {"Pesquisar Clientes", "Relatórios", "Configurações"},
    "gerente": {"Pesquisar Clientes", "Relatórios", "Métricas", "Configurações"},
    "administrador": {
        "Pesquisar Clientes",
        "Relatórios",
        "Métricas",
        "Gestão de Usuários",
        "Configurações",
        "Auditoria",
        "LGPD",
    },
    "encarregado": {"Pesquisar Clientes", "Relatórios", "Configurações", "LGPD"},
}


@pytest.mark.parametrize("role", EXPECTED)
def test_cards_per_role(client, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    response = client.get(reverse("home"))
    shown = {str(card.title) for card in response.context["cards"]}
    installed = {str(c.title) for c in CARDS if _installed(c.url_name)}
    assert shown == EXPECTED[role] & installed
    content = response.content.decode()
    for card in response.context["cards"]:
        assert f'href="{card.url}"' in content


def test_header_shows_name_role_and_logout(analista_client):
    content = analista_client.get(reverse("home")).content.decode()
    assert '<span class="user-name">Analista</span>' in content
    assert '<span class="user-role">Analista</span>' in content
    assert f'action="{reverse("accounts:logout")}"' in content


def test_user_without_role_sees_only_settings(client, django_user_model):
    user = django_user_model.objects.create_user(email="semperfil@teste.com.br", nome="Sem Perfil")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert [str(c.title) for c in response.context["cards"]] == ["Configurações"]


def test_every_card_icon_is_drawn_in_the_icon_sprite(admin_client_):
    """Icons are SVG symbols (emoji render as boxes without colour fonts)."""
    import re
    from pathlib import Path

    from django.conf import settings

    sprite = (Path(settings.BASE_DIR) / "static" / "img" / "icons.svg").read_text()
    symbols = set(re.findall(r'<symbol id="([^"]+)"', sprite))
    page = admin_client_.get("/").content.decode()
    used = re.findall(r'icons\.svg#([\w-]+)"', page)
    assert len(used) == 7  # an administrator sees every card
    assert set(used) <= symbols
