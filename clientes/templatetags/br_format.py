"""Template filters that display stored Brazilian identifiers formatted.

{% load br_format %}
{{ cliente.cpf|cpf }}  {{ cliente.cpf|cpf_mascarado }}  {{ tel.numero|telefone }}  {{ e.cep|cep }}
"""

from django import template

from common import br

register = template.Library()

register.filter("cpf", br.format_cpf)
register.filter("cpf_mascarado", br.mask_cpf)
register.filter("telefone", br.format_phone)
register.filter("cep", br.format_cep)
