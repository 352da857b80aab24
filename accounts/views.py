"""Login, logout, the home dashboard, Configurações and user management."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts import services
from accounts.dashboard import cards_for, panels_for
from accounts.forms import (
    EmailAuthenticationForm,
    LinkSetPasswordForm,
    PasswordChangeForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    SystemSettingsForm,
    UserCreateForm,
    UserFilterForm,
    UserForm,
)
from accounts.lockout import attempts_left, locked_emails, password_check_failed, with_lockout
from accounts.mfa.views import SecondStepLoginMixin
from accounts.middleware import SESSION_EXPIRED_PARAM
from accounts.models import User
from accounts.password_reset import TooManyResetRequests, password_reset_request
from accounts.roles import ROLE_LABELS, may_manage, user_role
from accounts.selectors import user_list
from accounts.system_settings import current_settings, settings_row
from accounts.tasks import send_password_reset_link
from audit.choices import Action
from audit.services import audit_record
from common.client_ip import client_ip

SETTINGS_PERMISSION = "accounts.change_systemsettings"


class LoginView(SecondStepLoginMixin, auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_expired"] = SESSION_EXPIRED_PARAM in self.request.GET
        return context

    def form_invalid(self, form):
        # Warn before the lockout: "restam 2 tentativas".
        response = super().form_invalid(form)
        if form.non_field_errors():
            response.context_data["attempts_left"] = attempts_left(self.request)
        return response


class LogoutView(auth_views.LogoutView):
    pass


class HomeView(LoginRequiredMixin, TemplateView):
    """The dashboard: one card per feature the user may use."""

    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cards"] = cards_for(self.request.user)
        context["panels"] = panels_for(self.request.user)
        return context


class PasswordChangeView(LoginRequiredMixin, FormView):
    """Every user changes their own password here (and must, after a reset)."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_invalid(self, form):
        if form.wrong_current_password and password_check_failed(self.request):
            return redirect("accounts:login")  # the session has ended
        return super().form_invalid(form)

    def form_valid(self, form):
        user = services.user_change_password(
            user=self.request.user, password=form.cleaned_data["new_password1"]
        )
        # Keep this session; the user's other sessions end (their hash is stale).
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Senha alterada."))
        return redirect("home")


class SettingsView(LoginRequiredMixin, View):
    """Configurações: own password for everyone, system parameters for administrators."""

    template_name = "accounts/settings.html"

    def _render(self, request, form, status=200):
        return render(request, self.template_name, {"settings_form": form}, status=status)

    def get(self, request):
        form = None
        if request.user.has_perm(SETTINGS_PERMISSION):
            form = SystemSettingsForm(instance=current_settings())
        return self._render(request, form)

    def post(self, request):
        if not request.user.has_perm(SETTINGS_PERMISSION):
            raise PermissionDenied
        # A fresh copy: a failed validation must not alter the cached row.
        form = SystemSettingsForm(request.POST, instance=settings_row())
        if not form.is_valid():
            return self._render(request, form, status=400)
        services.system_settings_update(values=form.cleaned_data, by=request.user)
        messages.success(request, _("Configurações salvas."))
        return redirect("accounts:settings")


class _UserAdminMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = "accounts.change_user"

    def get_target(self, pk) -> User:
        """Return the user ``pk`` to act on; 403 for a superuser unless one acts."""
        user = get_object_or_404(User, pk=pk)
        if not may_manage(self.request.user, user):
            raise PermissionDenied
        return user


class UserListView(_UserAdminMixin, View):
    """Users with filters; HTMX requests get only the table."""

    def get(self, request):
        filters = UserFilterForm(request.GET)
        params = filters.cleaned_data if filters.is_valid() else {}
        users = user_list(
            q=params.get("q", ""), role=params.get("papel", ""), situacao=params.get("situacao", "")
        )
        page = Paginator(with_lockout(users), 25).get_page(request.GET.get("pagina"))
        rows = [
            {
                "user": u,
                "role": ROLE_LABELS.get(user_role(u), ""),
                "manageable": may_manage(request.user, u),
            }
            for u in page
        ]
        context = {"filters": filters, "page": page, "rows": rows}
        template = "accounts/_user_table.html" if request.htmx else "accounts/user_list.html"
        return render(request, template, context)


class UserCreateView(_UserAdminMixin, View):
    permission_required = "accounts.add_user"
    template_name = "accounts/user_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": UserCreateForm()})

    def post(self, request):
        form = UserCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.user_create(
                    email=data["email"],
                    nome=data["nome"],
                    role=data["role"],
                    password=data["password1"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Usuário %(email)s criado.") % {"email": user.email})
                return redirect("accounts:user_list")
        return render(request, self.template_name, {"form": form}, status=400)


class UserEditView(_UserAdminMixin, View):
    template_name = "accounts/user_form.html"

    def _context(self, user, form):
        locked = bool(locked_emails([user.email]))
        return {"form": form, "target": user, "locked": locked}

    def get(self, request, pk):
        user = self.get_target(pk)
        initial = {"nome": user.nome, "email": user.email, "role": user_role(user)}
        return render(
            request,
            self.template_name,
            self._context(user, UserForm(initial=initial, instance=user)),
        )

    def post(self, request, pk):
        user = self.get_target(pk)
        form = UserForm(request.POST, instance=user)
        if form.is_valid():
            if user.pk == request.user.pk and form.cleaned_data["role"] != user_role(user):
                form.add_error("role", _("Você não pode alterar o seu próprio papel."))
            else:
                try:
                    services.user_update(user=user, by=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("Usuário atualizado."))
                    return redirect("accounts:user_list")
        return render(request, self.template_name, self._context(user, form), status=400)


class _UserActionView(_UserAdminMixin, View):
    """A POST-only action on one user, then back to the list."""

    http_method_names = ["post"]

    def post(self, request, pk):
        user = self.get_target(pk)
        self.act(request, user)
        return redirect("accounts:user_list")


class UserDeactivateView(_UserActionView):
    """GET asks for confirmation (saying what happens to sessions and tokens); POST acts."""

    http_method_names = ["get", "post"]
    template_name = "accounts/user_deactivate.html"

    def get(self, request, pk):
        user = self.get_target(pk)
        if user.pk == request.user.pk or not user.is_active:
            return redirect("accounts:user_edit", pk=user.pk)
        return render(request, self.template_name, {"target": user})

    def act(self, request, user):
        if user.pk == request.user.pk:
            messages.error(request, _("Você não pode desativar a sua própria conta."))
            return
        services.user_deactivate(user=user, by=request.user)
        messages.success(
            request,
            _("%(email)s desativado: sessões encerradas e tokens revogados.")
            % {"email": user.email},
        )


class UserReactivateView(_UserActionView):
    def act(self, request, user):
        services.user_reactivate(user=user, by=request.user)
        messages.success(request, _("%(email)s reativado.") % {"email": user.email})


class UserUnlockView(_UserActionView):
    def act(self, request, user):
        services.user_unlock(email=user.email, by=request.user)
        messages.success(request, _("%(email)s desbloqueado.") % {"email": user.email})


class UserPasswordResetLinkView(_UserActionView):
    """E-mail the user a reset link (the temporary password stays for those without e-mail)."""

    def act(self, request, user):
        if not user.is_active:
            messages.error(request, _("Reative a conta antes de enviar o link."))
            return
        audit_record(
            action=Action.PASSWORD_RESET_REQUEST,
            actor=request.user,
            target=user,
            details={"enviado": True},
        )
        base_url = request.build_absolute_uri("/")
        transaction.on_commit(lambda: send_password_reset_link.delay(user.pk, base_url))
        messages.success(
            request,
            _("Link de redefinição de senha enviado para %(email)s.") % {"email": user.email},
        )


class UserPasswordResetView(_UserAdminMixin, View):
    template_name = "accounts/user_password_reset.html"

    def get(self, request, pk):
        user = self.get_target(pk)
        return render(
            request, self.template_name, {"form": PasswordResetForm(user=user), "target": user}
        )

    def post(self, request, pk):
        user = self.get_target(pk)
        form = PasswordResetForm(request.POST, user=user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "target": user}, status=400)
        services.user_reset_password(
            user=user, password=form.cleaned_data["password1"], by=request.user
        )
        messages.success(
            request,
            _("Senha temporária definida para %(email)s; ele deverá trocá-la no próximo acesso.")
            % {"email": user.email},
        )
        return redirect("accounts:user_list")


# --- "Esqueci minha senha": a reset link by e-mail ---------------------------


class PasswordResetRequestView(FormView):
    """Ask for a reset link; the same answer whether the address has an account or not."""

    template_name = "accounts/password_reset_request.html"
    form_class = PasswordResetRequestForm

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def form_valid(self, form):
        try:
            user_id = password_reset_request(
                email=form.cleaned_data["email"], ip=client_ip(self.request) or None
            )
        except TooManyResetRequests:
            form.add_error(
                None, _("Muitos pedidos de redefinição a partir desta rede. Tente mais tarde.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if user_id is not None:
            base_url = self.request.build_absolute_uri("/")
            transaction.on_commit(lambda: send_password_reset_link.delay(user_id, base_url))
        return redirect("accounts:password_reset_sent")


class PasswordResetSentView(TemplateView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
        return super().get_context_data(PASSWORD_RESET_HOURS=hours, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password through the link (Django checks the token, once)."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = LinkSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        services.user_reset_password_by_link(
            user=self.user, password=form.cleaned_data["new_password1"]
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.success_url)


class PasswordResetDoneView(TemplateView):
    template_name = "accounts/password_reset_done.html"
