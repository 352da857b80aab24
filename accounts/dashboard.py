"""The cards of the home dashboard and who may see each one."""

from dataclasses import dataclass, replace

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Card:
    title: str
    description: str
    url_name: str
    icon: str  # a symbol of static/img/icons.svg
    permission: str | None = None
    # Dotted path of a callable(user) -> short text shown on the card (e.g. counts);
    # a path, so this module imports no feature app.
    status: str | None = None
    status_text: str = ""

    @property
    def url(self):
        return reverse(self.url_name)


CARDS = [
    Card(
        _("Pesquisar Clientes"),
        _("CPF, nome, cidade, idade e status."),
        "clientes:search",
        "pesquisar",
        "clientes.view_cliente",
    ),
    Card(
        _("Relatórios"),
        _("Exportar clientes e baixar as suas exportações."),
        "reports:index",
        "relatorios",
        "clientes.view_cliente",
    ),
    Card(
        _("Métricas"),
        _("Uso do sistema: pesquisas, exportações e clientes."),
        "monitoring:metricas",
        "metricas",
        "monitoring.view_dailyusage",
    ),
    Card(
        _("Gestão de Usuários"),
        _("Usuários, perfis e bloqueios."),
        "accounts:user_list",
        "usuarios",
        "accounts.change_user",
    ),
    Card(
        _("Configurações"),
        _("Senha e parâmetros do sistema."),
        "accounts:settings",
        "configuracoes",
    ),
    Card(
        _("Auditoria"),
        _("Quem fez o quê, quando e de onde."),
        "audit:event_list",
        "auditoria",
        "audit.view_auditevent",
    ),
    Card(
        _("LGPD"),
        _("Solicitações de titulares, bloqueios, anonimização e retenção."),
        "lgpd:index",
        "lgpd",
        "lgpd.atender_titular",
        status="lgpd.selectors.dashboard_status",
    ),
]


def cards_for(user):
    """Return the cards the user may use, skipping features not installed yet."""
    visible = []
    for card in CARDS:
        if card.permission and not user.has_perm(card.permission):
            continue
        try:
            card.url  # noqa: B018 - a card whose page does not exist is not shown
        except NoReverseMatch:
            continue
        if card.status:
            card = replace(card, status_text=import_string(card.status)(user))
        visible.append(card)
    return visible


@dataclass(frozen=True)
class Panel:
    """A list under the cards, built by a feature app (dotted path of callable(user) -> dict)."""

    provider: str
    permission: str


PANELS = (
    Panel("clientes.dashboard.recently_opened", "clientes.view_cliente"),
    Panel("reports.dashboard.exports_in_progress", "clientes.view_cliente"),
    Panel("reports.dashboard.today_activity", "monitoring.view_dailyusage"),
)


def panels_for(user) -> list[dict]:
    """Return ``[{title, items, empty}]``: what is going on for this user's role."""
    return [
        import_string(panel.provider)(user) for panel in PANELS if user.has_perm(panel.permission)
    ]
