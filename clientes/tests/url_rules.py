"""Who may use each URL of clientes. See accounts/tests/matrix.py."""

from accounts.roles import ADMINISTRADOR, ANALISTA, GERENTE
from accounts.tests.matrix import LOGIN, api, custom, page
from clientes import bulk, services
from clientes.models import SavedSearch
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
    # The client form's CEP lookup: whoever may create or edit clients.
    "clientes:cep_lookup": page(ANALISTA, kwargs=lambda ctx: {"cep": "01310100"}),
    # Acknowledging the cache consistency alert: administrators only.
    "clientes:cache_alert_ack": custom(LOGIN, 403, 403, 302, method="post"),
}


# --- Saved searches and actions on every result (issue #20) -----------------------


def _shared_search(ctx):
    """A search the Analista saved and an administrator shared (everyone sees it)."""
    saved = SavedSearch.objects.create(
        owner=ctx.users[ANALISTA],
        nome=f"Matriz {SavedSearch.objects.count()}",
        filters={"uf": "SP"},
        shared=True,
    )
    return {"pk": saved.pk}


def _with_client(ctx):
    services.cliente_create(actor=None, data=cliente_data(nome_completo="Matriz Lote Teste"))
    return {}


def _gerentes_job(ctx):
    services.cliente_create(actor=None, data=cliente_data(nome_completo="Matriz Lote Teste"))
    job = bulk.bulk_prepare(
        user=ctx.users[GERENTE],
        action="deactivate",
        params={"nome": "Matriz Lote Teste"},
        motivo="Teste",
    )
    return {"pk": job.pk}


_KEEP_SHARED = {"shared_present": "1", "shared": "on"}
_BULK_BODY = {"action": "deactivate", "motivo": "Teste", "nome": "Matriz Lote Teste"}

url_rules.update(
    {
        "clientes:saved_list": page(ANALISTA),
        "clientes:saved_create": page(
            ANALISTA, ok=302, method="post", data={"nome_pesquisa": "X", "uf": "SP"}
        ),
        # Only the owner (or an administrator) renames or deletes; others see it shared: 403.
        "clientes:saved_update": custom(
            LOGIN,
            302,
            403,
            302,
            encarregado=403,
            method="post",
            kwargs=_shared_search,
            data=_KEEP_SHARED,
        ),
        "clientes:saved_delete": custom(
            LOGIN, 302, 403, 302, encarregado=403, method="post", kwargs=_shared_search
        ),
        "clientes:saved_pin": page(
            ANALISTA, ok=302, method="post", kwargs=_shared_search, data={"pinned": "1"}
        ),
        # Bulk actions: Gerente and up (Analista when allowed in Configurações).
        "clientes:bulk_prepare": page(
            GERENTE, ok=302, method="post", kwargs=_with_client, data=_BULK_BODY
        ),
        # A job is its owner's: others get 404 (ids reveal nothing); administrators see it.
        "clientes:bulk_detail": custom(LOGIN, 404, 200, 200, kwargs=_gerentes_job),
        "clientes:bulk_confirm": custom(LOGIN, 404, 302, 403, method="post", kwargs=_gerentes_job),
        "clientes:bulk_cancel": custom(LOGIN, 404, 302, 302, method="post", kwargs=_gerentes_job),
        "clients-bulk": api(
            GERENTE,
            method="post",
            kwargs=_with_client,
            data={"action": "deactivate", "motivo": "Teste", "filters": {"nome": "Matriz Lote"}},
        ),
        "clients-bulk-detail": custom(401, 404, 200, 200, kwargs=_gerentes_job),
        "clients-bulk-cancel": custom(
            401, 404, 200, 200, method="post", kwargs=_gerentes_job, content_type="application/json"
        ),
        "saved-searches": api(ANALISTA),
        "saved-searches-detail": api(ANALISTA, kwargs=_shared_search),
    }
)
