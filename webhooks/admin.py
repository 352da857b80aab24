"""Webhooks in the Django admin: register (the secret is shown once), see the
delivery log, redeliver by hand."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from webhooks import services, targets
from webhooks.models import WebhookDelivery, WebhookSubscription


def _clean_url(form):
    url = form.cleaned_data["url"]
    targets.resolve_target(url)  # ValidationError shows on the field
    return url


class WebhookDeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["event_type", "id_cliente", "status", "attempts", "response_code", "error",
              "created_at", "delivered_at"]  # fmt: skip
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-id"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-id")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ["url", "owner", "events", "active", "failing_since", "disabled_at"]
    list_filter = ["active"]
    fields = ["url", "events", "owner", "full_cpf", "active", "failing_since", "disabled_at",
              "created_at"]  # fmt: skip
    readonly_fields = ["owner", "full_cpf", "failing_since", "disabled_at", "created_at"]
    inlines = [WebhookDeliveryInline]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.clean_url = _clean_url
        return form

    def get_readonly_fields(self, request, obj=None):
        # Target and events are fixed once created (delete and register again).
        return [*self.readonly_fields, "url", "events"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        created = services.webhook_subscription_create(
            actor=request.user, url=obj.url, events=obj.events
        )
        obj.pk, obj.secret = created.pk, created.secret
        self.message_user(
            request,
            _("Segredo do webhook (mostrado só agora, guarde-o): %(secret)s")
            % {"secret": created.secret},
            messages.WARNING,
        )

    def save_form(self, request, form, change):
        if not change:
            form.instance.owner = request.user
        return super().save_form(request, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event_type", "subscription", "id_cliente", "status", "attempts",
                    "response_code", "created_at"]  # fmt: skip
    list_filter = ["status", "event_type"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Reenviar agora"), permissions=["change"])
    def redeliver(self, request, queryset):
        for delivery in queryset.select_related("subscription"):
            services.webhook_redeliver(actor=request.user, delivery=delivery)
        self.message_user(request, _("Entregas reenviadas."))
