"""``{% main_nav %}``: the header's section links (see ``accounts.navigation``)."""

from django import template

from accounts.navigation import sections_for

register = template.Library()


@register.inclusion_tag("accounts/_nav.html", takes_context=True)
def main_nav(context):
    """Render the sections of the logged-in user; nothing for anonymous pages."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"sections": []}
    return {"sections": sections_for(user, request.path)}
