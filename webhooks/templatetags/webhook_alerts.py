from django import template

from webhooks.models import WebhookSubscription

register = template.Library()


@register.inclusion_tag("webhooks/_disabled_alert.html", takes_context=True)
def webhook_disabled_alert(context):
    """List the user's webhooks disabled after a day of failures (dashboard notice)."""
    user = context["request"].user
    disabled = []
    if user.is_authenticated:
        disabled = list(
            WebhookSubscription.objects.filter(owner=user, active=False, disabled_at__isnull=False)
        )
    return {"disabled": disabled}
