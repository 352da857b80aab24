from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("entrar/", views.LoginView.as_view(), name="login"),
    path("sair/", views.LogoutView.as_view(), name="logout"),
    path("senha/", views.PasswordChangeView.as_view(), name="password_change"),
    path("senha/esqueci/", views.PasswordResetRequestView.as_view(), name="password_reset"),
    path(
        "senha/esqueci/enviado/",
        views.PasswordResetSentView.as_view(),
        name="password_reset_sent",
    ),
    path(
        "senha/redefinir/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("senha/redefinida/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("configuracoes/", views.SettingsView.as_view(), name="settings"),
    path("usuarios/", views.UserListView.as_view(), name="user_list"),
    path("usuarios/novo/", views.UserCreateView.as_view(), name="user_create"),
    path("usuarios/<int:pk>/", views.UserEditView.as_view(), name="user_edit"),
    path(
        "usuarios/<int:pk>/desativar/", views.UserDeactivateView.as_view(), name="user_deactivate"
    ),
    path("usuarios/<int:pk>/reativar/", views.UserReactivateView.as_view(), name="user_reactivate"),
    path("usuarios/<int:pk>/desbloquear/", views.UserUnlockView.as_view(), name="user_unlock"),
    path(
        "usuarios/<int:pk>/enviar-link/",
        views.UserPasswordResetLinkView.as_view(),
        name="user_password_reset_link",
    ),
    path(
        "usuarios/<int:pk>/senha/",
        views.UserPasswordResetView.as_view(),
        name="user_password_reset",
    ),
]
