"""Login, logout and the home dashboard."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from accounts.dashboard import cards_for
from accounts.forms import EmailAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class HomeView(LoginRequiredMixin, TemplateView):
    """The dashboard: one card per feature the user may use."""

    template_name = "accounts/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cards"] = cards_for(self.request.user)
        return context
