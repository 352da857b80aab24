"""Show a client's CPF as the masking policy allows (clientes.masking).

{% load cpf_masking %}
{{ cliente.cpf|cpf_perfil:user }}   full for "ver CPF completo", masked otherwise
{{ cliente.cpf|cpf_lista }}         always masked (lists and search results)
"""

from django import template

from clientes.masking import CpfUse, cpf_for

register = template.Library()


@register.filter
def cpf_perfil(cpf, user):
    """Return the CPF as ``user`` may see it on a profile page."""
    return cpf_for(user, cpf, CpfUse.PROFILE)


@register.filter
def cpf_lista(cpf):
    """Return the CPF as every list shows it: masked."""
    return cpf_for(None, cpf, CpfUse.LIST)
