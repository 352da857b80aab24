"""Users in the Django admin, with the same effects as user management.

Deactivating, resetting a password and unlocking go through accounts.services,
so sessions end, tokens are revoked and signals are sent exactly as on the
user management pages.
"""

from contextvars import ContextVar

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.lockout import with_lockout
from accounts.models import User

_acting_admin: ContextVar = ContextVar("acting_admin", default=None)


class _ResetPasswordForm(AdminPasswordChangeForm):
    """The admin's "change password" form sets a temporary password via the service."""

    def save(self, commit=True):
        return services.user_reset_password(
            user=self.user, password=self.cleaned_data["password1"], by=_acting_admin.get()
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "nome", "is_active", "is_staff", "last_login", "locked"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "nome"]
    actions = ["unlock", "deactivate", "reactivate"]
    change_password_form = _ResetPasswordForm
    fieldsets = (
        (None, {"fields": ("email", "password", "must_change_password")}),
        (_("Dados pessoais"), {"fields": ("nome",)}),
        (_("Permissões"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Datas"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "nome", "password1", "password2")}),
    )

    def user_change_password(self, request, id, form_url=""):
        # The admin instance is shared by all requests: pass who acts via a context var.
        token = _acting_admin.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _acting_admin.reset(token)

    def save_model(self, request, obj, form, change):
        was_active = change and User.objects.filter(pk=obj.pk, is_active=True).exists()
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            services.user_deactivate(user=obj, by=request.user)

    @admin.action(description=_("Desbloquear (tentativas de login)"), permissions=["change"])
    def unlock(self, request, queryset):
        for user in queryset:
            services.user_unlock(email=user.email, by=request.user)
        self.message_user(request, _("Bloqueios removidos."), messages.SUCCESS)

    @admin.action(
        description=_("Desativar (encerra sessões e revoga tokens)"), permissions=["change"]
    )
    def deactivate(self, request, queryset):
        for user in queryset.filter(is_active=True).exclude(pk=request.user.pk):
            services.user_deactivate(user=user, by=request.user)
        self.message_user(request, _("Usuários desativados."), messages.SUCCESS)

    @admin.action(description=_("Reativar"), permissions=["change"])
    def reactivate(self, request, queryset):
        for user in queryset.filter(is_active=False):
            services.user_reactivate(user=user, by=request.user)
        self.message_user(request, _("Usuários reativados."), messages.SUCCESS)

    def get_queryset(self, request):
        return with_lockout(super().get_queryset(request))

    @admin.display(description=_("bloqueado"), boolean=True)
    def locked(self, obj):
        return obj.locked
