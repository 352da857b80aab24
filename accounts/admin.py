from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "nome", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "nome"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Dados pessoais"), {"fields": ("nome",)}),
        (_("Permissões"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Datas"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "nome", "password1", "password2")}),
    )
