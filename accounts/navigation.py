"""The header's navigation: the sections a user may open, the current one marked.

Sections are URL names, so a feature that is not installed (NoReverseMatch) is
simply absent, as on the dashboard. The current section is the one whose URL
is the longest prefix of the request path (Duplicados and Importações live
under Clientes).
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    label: str
    url_name: str
    permission: str | None = None


SECTIONS = (
    Section(_("Clientes"), "clientes:search", "clientes.view_cliente"),
    Section(_("Importações"), "imports:history", "imports.add_importjob"),
    Section(_("Duplicados"), "duplicates:list", "duplicates.merge_clientes"),
    Section(_("Relatórios"), "reports:index", "clientes.view_cliente"),
    Section(_("Métricas"), "monitoring:metricas", "monitoring.view_dailyusage"),
    Section(_("Usuários"), "accounts:user_list", "accounts.change_user"),
    Section(_("Auditoria"), "audit:event_list", "audit.view_auditevent"),
    Section(_("LGPD"), "lgpd:index", "lgpd.atender_titular"),
    Section(_("Configurações"), "accounts:settings"),
)


def sections_for(user, path: str) -> list[dict]:
    """Return ``[{label, url, current}]`` for the sections ``user`` may open."""
    visible = []
    for section in SECTIONS:
        if section.permission and not user.has_perm(section.permission):
            continue
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        visible.append({"label": section.label, "url": url, "current": False})
    matching = [s for s in visible if path.startswith(s["url"])]
    if matching:
        max(matching, key=lambda s: len(s["url"]))["current"] = True
    return visible
