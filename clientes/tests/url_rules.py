"""Who may use each URL of clientes. See accounts/tests/matrix.py."""

from accounts.roles import ADMINISTRADOR, ANALISTA
from accounts.tests.matrix import LOGIN, api, custom, page
from clientes import services
from clientes.tests.factories import cliente_data


def _cliente(ctx, **changes):
    """A fresh client for each visitor (a POST may change or delete it)."""
    cliente = services.cliente_create(actor=None, data=cliente_data())
    if changes.get("inativo"):
        services.cliente_deactivate(actor=None, id_cliente=cliente.pk, motivo="Teste")
    return {"id_cliente": cliente.pk}


def _inativo(ctx):
    return _cliente(ctx, inativo=True)


url_rules = {
    # Search: every role (all have clientes.view_cliente); anonymous -> login / 401.
    "clientes:search": page(ANALISTA),
    "clients-search": api(ANALISTA),
    "clientes:create": page(ANALISTA),
    "clientes:detail": page(ANALISTA, kwargs=_cliente),
    "clientes:update": page(ANALISTA, kwargs=_cliente),
    "clientes:deactivate": page(ANALISTA, kwargs=_cliente),
    "clientes:reactivate": page(ANALISTA, ok=302, method="post", kwargs=_inativo),
    # Hard delete: Administrador only, after a confirmation page.
    "clientes:delete": page(ADMINISTRADOR, kwargs=_cliente),
    "clients-list": api(ANALISTA, data={"nome": "maria"}),  # a list needs a criterion
    "clients-detail": api(ANALISTA, kwargs=_cliente),
    "clients-deactivate": api(
        ANALISTA, method="post", kwargs=_cliente, data={"motivo_inativacao": "Teste"}
    ),
    "clients-reactivate": api(ANALISTA, method="post", kwargs=_inativo, data={}),
    # Acknowledging the cache consistency alert: administrators only.
    "clientes:cache_alert_ack": custom(LOGIN, 403, 403, 302, method="post"),
}
