"""What an audit event says happened, and through which door it came."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """Every kind of audited operation. Values are stable: they are stored."""

    # Authentication
    LOGIN = "auth.login", _("Login")
    LOGIN_FAILED = "auth.login_failed", _("Falha de login")
    LOGOUT = "auth.logout", _("Logout")
    LOCKOUT = "auth.lockout", _("Bloqueio por tentativas")
    UNLOCK = "auth.unlock", _("Desbloqueio")
    TOKEN_OBTAIN = "auth.token_obtain", _("Emissão de token")
    TOKEN_REFRESH = "auth.token_refresh", _("Renovação de token")
    TOKEN_REVOKE = "auth.token_revoke", _("Revogação de token")
    PASSWORD_CHANGE = "auth.password_change", _("Troca de senha")
    PASSWORD_RESET_REQUEST = "auth.password_reset_request", _("Pedido de redefinição de senha")
    PASSWORD_RESET = "auth.password_reset", _("Redefinição de senha")
    MFA_ENABLE = "auth.mfa_enable", _("Verificação em duas etapas ativada")
    MFA_DISABLE = "auth.mfa_disable", _("Verificação em duas etapas desativada")
    MFA_RESET = "auth.mfa_reset", _("Verificação em duas etapas redefinida")
    MFA_RECOVERY_CODES = "auth.mfa_recovery_codes", _("Novos códigos de recuperação")
    MFA_POLICY_UPDATE = "auth.mfa_policy", _("Exigência de 2FA por papel alterada")
    # Clients: writes
    CLIENTE_CREATE = "cliente.create", _("Cliente cadastrado")
    CLIENTE_UPDATE = "cliente.update", _("Cliente alterado")
    CLIENTE_DEACTIVATE = "cliente.deactivate", _("Cliente inativado")
    CLIENTE_REACTIVATE = "cliente.reactivate", _("Cliente reativado")
    CLIENTE_DELETE = "cliente.delete", _("Cliente excluído")
    CLIENTE_BULK_CREATE = "cliente.bulk_create", _("Clientes cadastrados em lote")
    CLIENTE_BULK_UPDATE = "cliente.bulk_update", _("Clientes alterados em lote")
    CLIENTE_BULK_DELETE = "cliente.bulk_delete", _("Clientes excluídos em lote")
    CLIENTE_BULK_DEACTIVATE = "cliente.bulk_deactivate", _("Clientes de uma pesquisa inativados")
    CLIENTE_BULK_REACTIVATE = "cliente.bulk_reactivate", _("Clientes de uma pesquisa reativados")
    CLIENTE_MERGE = "cliente.merge", _("Clientes duplicados unificados")
    DUPLICADO_DISMISS = "cliente.duplicate_dismiss", _("Par marcado como não duplicado")
    CLIENTE_IMPORT = "cliente.import", _("Clientes importados de planilha")
    CLIENTE_IMPORT_DRY_RUN = "cliente.import_dry_run", _("Planilha de clientes simulada")
    CLIENTE_IMPORT_UNDO = "cliente.import_undo", _("Importação de clientes desfeita")
    # Clients: reads
    CLIENTE_VIEW = "cliente.view", _("Perfil de cliente visualizado")
    CLIENTE_SEARCH = "cliente.search", _("Pesquisa de clientes")
    # LGPD: the data subject's rights (lgpd app)
    CLIENTE_BLOCK = "cliente.block", _("Cliente bloqueado (LGPD)")
    CLIENTE_UNBLOCK = "cliente.unblock", _("Cliente desbloqueado (LGPD)")
    CLIENTE_ANONYMIZE = "cliente.anonymize", _("Cliente anonimizado (LGPD)")
    LGPD_REQUEST_CREATE = "lgpd.request_create", _("Solicitação de titular registrada")
    LGPD_REQUEST_UPDATE = "lgpd.request_update", _("Solicitação de titular atualizada")
    LGPD_DATA_REPORT = "lgpd.data_report", _("Relatório de dados do titular gerado")
    LGPD_LEGAL_HOLD = "lgpd.legal_hold", _("Retenção legal registrada")
    LGPD_LEGAL_HOLD_RELEASE = "lgpd.legal_hold_release", _("Retenção legal encerrada")
    LGPD_CONSENT = "lgpd.consent", _("Consentimento registrado")
    LGPD_RETENTION = "lgpd.retention", _("Regra de retenção executada")
    LGPD_SETTINGS_UPDATE = "lgpd.settings_update", _("Configurações LGPD alteradas")
    # Saved searches
    SAVED_SEARCH_CREATE = "saved_search.create", _("Pesquisa salva")
    SAVED_SEARCH_UPDATE = "saved_search.update", _("Pesquisa salva alterada")
    SAVED_SEARCH_DELETE = "saved_search.delete", _("Pesquisa salva excluída")
    # Exports
    EXPORT_REQUEST = "export.request", _("Exportação solicitada")
    EXPORT_COMPLETE = "export.complete", _("Exportação concluída")
    EXPORT_FAIL = "export.fail", _("Exportação com erro")
    EXPORT_DOWNLOAD = "export.download", _("Exportação baixada")
    # Users and system settings
    USER_CREATE = "user.create", _("Usuário criado")
    USER_UPDATE = "user.update", _("Usuário alterado")
    USER_DEACTIVATE = "user.deactivate", _("Usuário desativado")
    USER_REACTIVATE = "user.reactivate", _("Usuário reativado")
    USER_DELETE = "user.delete", _("Usuário excluído")
    SETTINGS_UPDATE = "settings.update", _("Configurações alteradas")
    # Django admin (any model changed there)
    ADMIN_ADD = "admin.add", _("Admin: inclusão")
    ADMIN_CHANGE = "admin.change", _("Admin: alteração")
    ADMIN_DELETE = "admin.delete", _("Admin: exclusão")
    # Access control
    ACCESS_DENIED = "access.denied", _("Acesso negado (403)")
    RATE_LIMITED = "access.rate_limited", _("Limite de requisições (429)")
    # The audit trail itself and maintenance
    WEBHOOK_CREATE = "webhook.create", _("Webhook cadastrado")
    WEBHOOK_DELETE = "webhook.delete", _("Webhook excluído")
    WEBHOOK_REDELIVER = "webhook.redeliver", _("Webhook reenviado")
    WEBHOOK_DISABLE = "webhook.disable", _("Webhook desativado por falhas")

    AUDIT_EXPORT = "audit.export", _("Auditoria exportada")
    AUDIT_PURGE = "audit.purge", _("Expurgo da auditoria")
    AUDIT_ANONYMIZE = "audit.anonymize", _("Auditoria anonimizada (titular)")
    COMMAND_RUN = "command.run", _("Comando de manutenção")


# Actions a client's history shows to everyone who may open the profile; the
# reads (who viewed or exported the client) only to those who may read the
# audit trail.
CLIENTE_CHANGE_ACTIONS = (
    Action.CLIENTE_CREATE,
    Action.CLIENTE_UPDATE,
    Action.CLIENTE_DEACTIVATE,
    Action.CLIENTE_REACTIVATE,
    Action.CLIENTE_DELETE,
    Action.CLIENTE_BLOCK,
    Action.CLIENTE_UNBLOCK,
    Action.CLIENTE_ANONYMIZE,
    Action.CLIENTE_MERGE,
)
CLIENTE_READ_ACTIONS = (Action.CLIENTE_VIEW, Action.EXPORT_REQUEST, Action.EXPORT_DOWNLOAD)


class Channel(models.TextChoices):
    """The door an operation came through."""

    WEB = "web", _("Web")
    API = "api", _("API")
    ADMIN = "admin", _("Admin")
    TASK = "task", _("Tarefa")
    COMMAND = "command", _("Comando")


SYSTEM_ACTOR = "system"
