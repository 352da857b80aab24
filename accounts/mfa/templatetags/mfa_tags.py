"""``{% mfa_user_panel target %}``: a user's 2FA state and reset button on the user page."""

from django import template

from accounts.mfa.devices import has_mfa

register = template.Library()


@register.inclusion_tag("mfa/_user_panel.html", takes_context=True)
def mfa_user_panel(context, target):
    viewer = context["request"].user
    return {
        "target": target,
        "target_has_mfa": has_mfa(target),
        # A superuser's second factors are reset only by a superuser.
        "may_reset": viewer.is_superuser or not target.is_superuser,
        "csrf_token": context.get("csrf_token"),
    }
