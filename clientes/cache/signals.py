"""Model signals that keep the client cache in sync with PostgreSQL writes."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_save

from clientes.cache.invalidation import invalidate_on_commit, invalidate_profiles_on_commit
from clientes.models import Cliente, Endereco, Telefone

# Fields of a user that cached profiles show (as "created/updated by").
_PROFILE_USER_FIELDS = ("email", "nome")


def _cliente_before_save(sender, instance, update_fields=None, **kwargs):
    # A CPF change must also drop the pointer of the old CPF: read it now.
    instance._cpf_before = None
    if instance.pk is not None and (update_fields is None or "cpf" in update_fields):
        instance._cpf_before = (
            sender._default_manager.filter(pk=instance.pk).values_list("cpf", flat=True).first()
        )


def _cliente_changed(sender, instance, using, **kwargs):
    cpfs = {instance.cpf, getattr(instance, "_cpf_before", None)} - {None}
    invalidate_on_commit(ids=[instance.pk], cpfs=cpfs, using=using)


def _relation_changed(sender, instance, using, **kwargs):
    invalidate_on_commit(ids=[instance.cliente_id], using=using)


def _user_before_save(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (
        update_fields is not None and not set(update_fields) & set(_PROFILE_USER_FIELDS)
    ):
        instance._profile_fields_before = None
        return
    instance._profile_fields_before = (
        sender._default_manager.filter(pk=instance.pk).values_list(*_PROFILE_USER_FIELDS).first()
    )


def _user_saved(sender, instance, created, using, **kwargs):
    before = getattr(instance, "_profile_fields_before", None)
    after = tuple(getattr(instance, name) for name in _PROFILE_USER_FIELDS)
    if before is not None and tuple(before) != after:
        invalidate_profiles_on_commit(using=using)


def _user_deleted(sender, instance, using, **kwargs):
    invalidate_profiles_on_commit(using=using)


def connect() -> None:
    """Connect the receivers (called once, from ClientesConfig.ready)."""
    for model, receiver in ((Cliente, _cliente_changed), (Endereco, _relation_changed),
                            (Telefone, _relation_changed)):  # fmt: skip
        post_save.connect(receiver, sender=model, dispatch_uid=f"cache-{model.__name__}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"cache-{model.__name__}-delete")
    pre_save.connect(_cliente_before_save, sender=Cliente, dispatch_uid="cache-Cliente-pre-save")
    user_model = get_user_model()
    pre_save.connect(_user_before_save, sender=user_model, dispatch_uid="cache-user-pre-save")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="cache-user-save")
    post_delete.connect(_user_deleted, sender=user_model, dispatch_uid="cache-user-delete")
