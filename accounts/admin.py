"""Users in the Django admin, with the same effects as user management.

Deactivating, resetting a password and unlocking go through accounts.services,
so sessions end, tokens are revoked and signals are sent exactly as on the
user management pages. As there, only a superuser may grant superuser status
or change a superuser's account (``accounts.roles.may_manage``): for anyone
else ``is_superuser`` is read-only and a superuser's page is view-only.
"""

from contextvars import ContextVar

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.lockout import with_lockout
from accounts.models import User
from accounts.roles import may_manage

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

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            readonly = (*readonly, "is_superuser", "user_permissions")
        return readonly

    def has_change_permission(self, request, obj=None):
        # Also guards the "change password" page, which asks this for the user.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_manage(request.user, obj))

    def _manageable(self, request, queryset):
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, self._manageable(request, queryset))

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
        for user in self._manageable(request, queryset):
            services.user_unlock(email=user.email, by=request.user)
        self.message_user(request, _("Bloqueios removidos."), messages.SUCCESS)

    @admin.action(
        description=_("Desativar (encerra sessões e revoga tokens)"), permissions=["change"]
    )
    def deactivate(self, request, queryset):
        for user in (
            self._manageable(request, queryset).filter(is_active=True).exclude(pk=request.user.pk)
        ):
            services.user_deactivate(user=user, by=request.user)
        self.message_user(request, _("Usuários desativados."), messages.SUCCESS)

    @admin.action(description=_("Reativar"), permissions=["change"])
    def reactivate(self, request, queryset):
        for user in self._manageable(request, queryset).filter(is_active=False):
            services.user_reactivate(user=user, by=request.user)
        self.message_user(request, _("Usuários reativados."), messages.SUCCESS)

    def get_queryset(self, request):
        return with_lockout(super().get_queryset(request))

    @admin.display(description=_("bloqueado"), boolean=True)
    def locked(self, obj):
        return obj.locked
