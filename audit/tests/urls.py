"""Routes used only by the middleware tests: responses no feature returns yet."""

from django.http import HttpResponse
from django.urls import include, path


def too_many_requests(request):
    return HttpResponse("Muitas requisições.", status=429)


def logs_a_cpf(request):
    import logging

    logging.getLogger("clientes.views").warning("cliente 529.982.247-25 / %s aberto", "52998224725")
    return HttpResponse("ok")


urlpatterns = [
    path("limite/", too_many_requests),
    path("loga-cpf/", logs_a_cpf),
    path("", include("config.urls")),
]
