"""Pages of two-factor authentication: the login's second step and Configurações → Segurança."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from accounts.mfa import devices, login, services
from accounts.mfa.forms import AppCodeForm, CodeForm, RolePolicyForm
from accounts.mfa.policy import role_policies, user_requires_mfa
from accounts.models import User

# Who may change the per-role policy: whoever may change Configurações.
POLICY_PERMISSION = "accounts.change_systemsettings"


class SecondStepLoginMixin:
    """For ``LoginView``: after a right password, ask for the second factor before logging in."""

    def form_valid(self, form):
        user = form.get_user()
        if login.needs_second_step(user):
            login.begin_second_step(self.request, user, self.get_success_url())
            return redirect("mfa:verify")
        login.finish_password_login(self.request, user)
        if self.request.session.get(login.ENROLMENT_REQUIRED):
            return redirect("mfa:enrol")
        return redirect(self.get_success_url())


class VerifyView(View):
    """The second step of the login: a code from the app or a recovery code."""

    template_name = "mfa/verify.html"

    def _pending_or_restart(self, request):
        pending = login.pending_login(request)
        user = login.pending_user(pending) if pending else None
        if user is None:
            messages.info(request, _("A etapa de verificação expirou. Entre novamente."))
        return pending, user

    def get(self, request):
        _pending, user = self._pending_or_restart(request)
        if user is None:
            return redirect("accounts:login")
        return render(request, self.template_name, {"form": CodeForm()})

    def post(self, request):
        pending, user = self._pending_or_restart(request)
        if user is None:
            return redirect("accounts:login")
        form = CodeForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        email = user.email
        locked = login.is_locked_out(request, email)
        if not locked and devices.verify_code(user, form.cleaned_data["code"]) is None:
            locked = login.record_failure(request, email)
            if not locked:
                form.add_error("code", _("Código inválido ou já utilizado."))
                return render(request, self.template_name, {"form": form}, status=400)
        if locked:
            # The login starts over after the lockout; AxesMiddleware answers
            # with the lockout page (429), as for a wrong password.
            del request.session[login.PENDING]
            request.axes_locked_out = True
            request.axes_credentials = {"username": email}
            return render(request, self.template_name, {"form": form}, status=429)
        login.complete_login(request, user, pending)
        return redirect(pending["next"])


def _render_codes(request, codes):
    text = "\r\n".join(
        [str(_("Códigos de recuperação — Gestão de Clientes")), request.user.email, "", *codes, ""]
    )
    context = {"codes": codes, "download_href": "data:text/plain;charset=utf-8," + quote(text)}
    return render(request, "mfa/recovery_codes.html", context)


class SecurityView(LoginRequiredMixin, View):
    """Configurações → Segurança: the user's devices, and the per-role policy for administrators."""

    template_name = "mfa/security.html"

    def get(self, request, policy_form=None, code_form=None, status=200):
        user = request.user
        if policy_form is None and user.has_perm(POLICY_PERMISSION):
            policy_form = RolePolicyForm(policies=role_policies())
        context = {
            "devices": devices.user_devices(user),
            "has_mfa": devices.has_mfa(user),
            "required": user_requires_mfa(user),
            "code_form": code_form or CodeForm(),
            "policy_form": policy_form,
        }
        return render(request, self.template_name, context, status=status)


class EnrolView(LoginRequiredMixin, View):
    """Enrol an authenticator app: QR code and secret, confirmed by a first code."""

    template_name = "mfa/enrol.html"

    def _render(self, request, form, status=200):
        device = devices.pending_totp_device(request.user) or services.mfa_totp_start(
            user=request.user
        )
        context = {
            "form": form,
            "qr_code": devices.qr_code_data_uri(device),
            "secret": devices.secret_base32(device),
            "forced": bool(request.session.get(login.ENROLMENT_REQUIRED)),
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request):
        return self._render(request, AppCodeForm())

    def post(self, request):
        form = AppCodeForm(request.POST)
        if form.is_valid():
            try:
                codes = services.mfa_totp_confirm(
                    user=request.user,
                    code=form.cleaned_data["code"],
                    keep_session=request.session.session_key,
                )
            except ValidationError as exc:
                form.add_error("code", exc)
            else:
                request.session.pop(login.ENROLMENT_REQUIRED, None)
                messages.success(request, _("Verificação em duas etapas ativada."))
                return _render_codes(request, codes)
        return self._render(request, form, status=400)


class _ConfirmedActionView(LoginRequiredMixin, View):
    """A POST from the Segurança page confirmed with a current code; ``act`` does the rest."""

    http_method_names = ["post"]

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                return self.act(request, form.cleaned_data["code"])
            except ValidationError as exc:
                form.add_error("code", exc)
        return SecurityView().get(request, code_form=form, status=400)


class RecoveryCodesView(_ConfirmedActionView):
    """New recovery codes (the old ones stop working), shown once."""

    def act(self, request, code):
        codes = services.mfa_recovery_codes_regenerate(user=request.user, code=code)
        return _render_codes(request, codes)


class DisableView(_ConfirmedActionView):
    """Turn two-factor authentication off (only where the role does not require it)."""

    def act(self, request, code):
        services.mfa_disable(user=request.user, code=code)
        messages.success(request, _("Verificação em duas etapas desativada."))
        return redirect("mfa:security")


class PolicyView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Administrators choose the roles that must use two-factor authentication."""

    permission_required = POLICY_PERMISSION
    http_method_names = ["post"]

    def post(self, request):
        form = RolePolicyForm(request.POST, policies=role_policies())
        if not form.is_valid():
            return SecurityView().get(request, policy_form=form, status=400)
        services.mfa_policy_update(required=form.required_by_role(), by=request.user)
        messages.success(request, _("Exigência de verificação em duas etapas salva."))
        return redirect("mfa:security")


class UserResetView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """An administrator removes a user's second factors (lost phone)."""

    permission_required = "accounts.change_user"
    http_method_names = ["post"]

    def post(self, request, pk):
        target = get_object_or_404(User, pk=pk)
        # A superuser's only by a superuser: PermissionDenied (403) otherwise.
        services.mfa_reset(user=target, by=request.user)
        messages.success(
            request,
            _(
                "Verificação em duas etapas de %(email)s redefinida: sessões encerradas, "
                "tokens revogados; o cadastro será pedido no próximo acesso."
            )
            % {"email": target.email},
        )
        return redirect("accounts:user_edit", pk=target.pk)
