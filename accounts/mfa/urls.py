from django.urls import path

from accounts.mfa import views

app_name = "mfa"

urlpatterns = [
    path("entrar/verificar/", views.VerifyView.as_view(), name="verify"),
    path("configuracoes/seguranca/", views.SecurityView.as_view(), name="security"),
    path("configuracoes/seguranca/aplicativo/", views.EnrolView.as_view(), name="enrol"),
    path(
        "configuracoes/seguranca/codigos/",
        views.RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    path("configuracoes/seguranca/desativar/", views.DisableView.as_view(), name="disable"),
    path("configuracoes/seguranca/papeis/", views.PolicyView.as_view(), name="policy"),
    path(
        "usuarios/<int:pk>/dois-fatores/redefinir/",
        views.UserResetView.as_view(),
        name="user_reset",
    ),
]
