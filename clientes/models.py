"""The client registry: a Cliente with its addresses and phones.

Identifiers are stored normalised (CPF 11 digits, CEP 8 digits, phone DDD +
number as digits) and formatted only for display, by ``common.br``.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Lower, Reverse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientes.ages import age_on
from clientes.choices import UF, Sexo, TipoTelefone
from common.br import format_cpf, format_phone, mask_cpf, validate_cpf

_digits = RegexValidator(r"^\d+$", _("Use apenas números."))


def search_text(expression):
    """Return SQL ``gc_search_text(expression)``: the folded form search compares.

    The function (migration 0003) lower-cases, strips accents and apostrophes
    and collapses punctuation, and is IMMUTABLE so generated columns and
    expression indexes can use it; ``clientes.search.parsing.fold`` is its Python twin.
    """
    return Func(expression, function="gc_search_text", output_field=models.TextField())


def _name_tsvector(field):
    # Words of a folded name, with apostrophes and hyphens read both ways
    # (gc_search_words, migration 0010); 'simple' so no stemming or stop
    # words drop "da"/"dos".
    return Func(
        Func(F(field), function="gc_search_words", output_field=models.TextField()),
        function="to_tsvector",
        template="to_tsvector('simple'::regconfig, %(expressions)s)",
        output_field=SearchVectorField(),
    )


class Cliente(models.Model):
    """A person registered as a client, identified by a unique CPF."""

    id_cliente = models.BigAutoField(primary_key=True)
    cpf = models.CharField(_("CPF"), max_length=11, unique=True, validators=[validate_cpf])
    nome_completo = models.CharField(_("nome completo"), max_length=255)
    nome_social = models.CharField(_("nome social"), max_length=255, blank=True)
    data_nascimento = models.DateField(_("data de nascimento"), null=True, blank=True)
    sexo = models.CharField(_("sexo"), max_length=1, choices=Sexo.choices, blank=True)
    nome_mae = models.CharField(_("nome da mãe"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    ativo = models.BooleanField(_("ativo"), default=True)
    motivo_inativacao = models.CharField(_("motivo da inativação"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("criado em"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("atualizado em"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("criado por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("atualizado por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Optimistic locking: every save increments it; a save that carries an
    # older value lost the race and is refused (no lost updates).
    versao = models.PositiveIntegerField(_("versão"), default=1, editable=False)
    # LGPD state of the record, kept on the row so every search, profile and
    # export filters it without a join; the lgpd app keeps the history and
    # reasons. Database defaults: bulk loads (COPY) leave them out.
    bloqueado = models.BooleanField(
        _("bloqueado (LGPD)"), default=False, db_default=False, editable=False
    )
    anonimizado_em = models.DateTimeField(
        _("anonimizado em"), null=True, blank=True, editable=False
    )
    # Purposes the client currently consents to (codes of lgpd's purpose list).
    consentimentos = ArrayField(
        models.CharField(max_length=50),
        verbose_name=_("consentimentos vigentes"),
        default=list,
        db_default=Value([], output_field=ArrayField(models.CharField(max_length=50))),
        blank=True,
        editable=False,
    )
    # Tombstone of a merge (duplicates app): the record was unified into
    # ``merged_into`` and only its id, history and old URL remain meaningful.
    # On the row, like the LGPD state, so visibility filters need no join.
    # Deleting the survivor for good deletes its tombstones (the same person).
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("unificado em"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="incorporados",
    )
    merged_at = models.DateTimeField(
        _("unificado em (data)"), null=True, blank=True, editable=False
    )
    # Search columns computed by PostgreSQL itself, so COPY (seed), ORM saves and
    # admin edits all keep them right. Read by clientes.search only.
    nome_busca = models.GeneratedField(
        expression=search_text(F("nome_completo")),
        output_field=models.TextField(),
        db_persist=True,
    )
    nome_tsv = models.GeneratedField(
        expression=_name_tsvector("nome_completo"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    nome_mae_tsv = models.GeneratedField(
        expression=_name_tsvector("nome_mae"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        db_table = "clientes"
        verbose_name = _("cliente")
        verbose_name_plural = _("clientes")
        permissions = [
            ("view_cpf_completo", _("Pode ver o CPF completo")),
            ("view_cliente_bloqueado", _("Pode ver clientes bloqueados (LGPD)")),
        ]
        indexes = [
            # Search: words of the name and of the mother's name (prefix queries).
            GinIndex(fields=["nome_tsv"], name="clientes_nome_tsv_gin"),
            GinIndex(fields=["nome_mae_tsv"], name="clientes_nome_mae_tsv_gin"),
            # Orderings of the result table, each with the primary key as tie-break.
            models.Index(fields=["nome_busca", "id_cliente"], name="clientes_ordem_nome"),
            models.Index(fields=["data_nascimento", "id_cliente"], name="clientes_ordem_nasc"),
            models.Index(fields=["created_at", "id_cliente"], name="clientes_ordem_criado"),
            # LIKE 'prefix%' needs pattern_ops: the database collation is not "C".
            models.Index(
                OpClass(Lower("email"), name="text_pattern_ops"), name="clientes_email_lower"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cpf__regex=r"^\d{11}$"), name="clientes_cpf_11_digits"
            ),
            models.CheckConstraint(
                condition=Q(sexo__in=["", *Sexo.values]), name="clientes_sexo_valid"
            ),
        ]

    def __str__(self):
        return f"{self.nome_completo} ({mask_cpf(self.cpf)})"

    def get_absolute_url(self):
        return reverse("clientes:detail", args=[self.id_cliente])

    @property
    def incorporado(self) -> bool:
        """Return True for the tombstone of a client merged into another."""
        return self.merged_into_id is not None

    @property
    def anonimizado(self) -> bool:
        return self.anonimizado_em is not None

    @property
    def cpf_formatado(self):
        return format_cpf(self.cpf)

    @property
    def cpf_mascarado(self):
        return mask_cpf(self.cpf)

    def idade(self, today=None):
        """Return the age in whole years at ``today`` (default: today), or None."""
        if not self.data_nascimento:
            return None
        return age_on(self.data_nascimento, today or timezone.localdate())


class Endereco(models.Model):
    """A postal address of a client; at most one is the principal one."""

    cliente = models.ForeignKey(Cliente, on_delete=models.CASCADE, related_name="enderecos")
    cep = models.CharField(_("CEP"), max_length=8, validators=[_digits])
    logradouro = models.CharField(_("logradouro"), max_length=255)
    numero = models.CharField(_("número"), max_length=20, blank=True)
    complemento = models.CharField(_("complemento"), max_length=100, blank=True)
    bairro = models.CharField(_("bairro"), max_length=100, blank=True)
    cidade = models.CharField(_("cidade"), max_length=100)
    uf = models.CharField(_("UF"), max_length=2, choices=UF.choices)
    principal = models.BooleanField(_("principal"), default=False)
    # The city as searches compare it ("sao paulo"), computed by PostgreSQL.
    cidade_busca = models.GeneratedField(
        expression=search_text(F("cidade")), output_field=models.TextField(), db_persist=True
    )

    class Meta:
        db_table = "clientes_enderecos"
        verbose_name = _("endereço")
        verbose_name_plural = _("endereços")
        ordering = ["-principal", "id"]
        indexes = [
            # Search by city (accent-insensitive), UF and CEP prefix.
            # Covering (city, UF, client): answered from the index alone.
            models.Index(fields=["cidade_busca", "uf", "cliente"], name="enderecos_cidade_busca"),
            models.Index(fields=["uf", "cliente"], name="enderecos_uf_cliente"),
            models.Index(OpClass(F("cep"), name="varchar_pattern_ops"), name="enderecos_cep"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cliente"],
                condition=Q(principal=True),
                name="clientes_um_endereco_principal",
            ),
            models.CheckConstraint(
                condition=Q(cep__regex=r"^\d{8}$"), name="clientes_cep_8_digits"
            ),
            models.CheckConstraint(condition=Q(uf__in=UF.values), name="clientes_uf_valid"),
        ]

    def __str__(self):
        return f"{self.logradouro}, {self.numero} - {self.cidade}/{self.uf}"


class Telefone(models.Model):
    """A phone number of a client: DDD + 8 (landline) or 9 (mobile) digits."""

    cliente = models.ForeignKey(Cliente, on_delete=models.CASCADE, related_name="telefones")
    tipo = models.CharField(_("tipo"), max_length=10, choices=TipoTelefone.choices)
    numero = models.CharField(_("número"), max_length=11, validators=[_digits])
    principal = models.BooleanField(_("principal"), default=False)

    class Meta:
        db_table = "clientes_telefones"
        verbose_name = _("telefone")
        verbose_name_plural = _("telefones")
        ordering = ["-principal", "id"]
        indexes = [
            # Search by full number or its prefix, and by the last digits (typed without DDD).
            models.Index(OpClass(F("numero"), name="varchar_pattern_ops"), name="telefones_numero"),
            models.Index(
                OpClass(Reverse("numero"), name="text_pattern_ops"), name="telefones_numero_reverso"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(numero__regex=r"^\d{10,11}$"), name="clientes_telefone_digits"
            ),
        ]

    def __str__(self):
        return format_phone(self.numero)


class MissedInvalidation(models.Model):
    """A cache invalidation Redis never received (it was unreachable after a commit).

    Kept in PostgreSQL because Redis was down: when Redis is back, the cache
    epoch is bumped so nothing that missed an invalidation is served.
    """

    created_at = models.DateTimeField(_("registrado em"), default=timezone.now)
    cliente_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    everything = models.BooleanField(_("todos os clientes"), default=False)

    class Meta:
        verbose_name = _("invalidação de cache perdida")
        verbose_name_plural = _("invalidações de cache perdidas")

    def __str__(self):
        return f"#{self.pk} {self.created_at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def latest_id(cls) -> int:
        return cls.objects.order_by("-id").values_list("id", flat=True).first() or 0

    @classmethod
    def record(cls, *, ids: list[int], everything: bool) -> None:
        """Store one missed invalidation (``common.cache.store`` calls it)."""
        cls.objects.create(cliente_ids=ids, everything=everything)


class ConsistencyCheck(models.Model):
    """One reconciliation run: how many cached clients matched PostgreSQL.

    A run below the consistency target is an alert shown to administrators on
    their dashboard until one of them acknowledges it.
    """

    ran_at = models.DateTimeField(_("executada em"), default=timezone.now, db_index=True)
    checked = models.PositiveIntegerField(_("verificados"), default=0)
    stale = models.PositiveIntegerField(_("divergentes"), default=0)
    repaired = models.PositiveIntegerField(_("corrigidos"), default=0)
    ratio = models.FloatField(_("consistência"), default=1.0)
    duration_ms = models.PositiveIntegerField(_("duração (ms)"), default=0)
    alert = models.BooleanField(_("alerta"), default=False)
    acknowledged_at = models.DateTimeField(_("reconhecido em"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reconhecido por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("verificação de consistência do cache")
        verbose_name_plural = _("verificações de consistência do cache")
        ordering = ["-ran_at"]
        indexes = [
            models.Index(
                fields=["ran_at"],
                condition=Q(alert=True, acknowledged_at__isnull=True),
                name="clientes_cache_open_alerts",
            )
        ]

    def __str__(self):
        return f"{self.ran_at:%Y-%m-%d %H:%M} {self.ratio:.4%}"


class SavedSearch(models.Model):
    """A named set of search criteria (never its results), private or shared.

    ``filters`` holds the public parameters of ``ClienteFilterSet``; they are
    validated when saved and again whenever the search runs, so criteria that
    no longer validate (an option removed since) are reported, not run.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dono"),
        on_delete=models.CASCADE,
        related_name="saved_searches",
    )
    nome = models.CharField(_("nome"), max_length=100)
    filters = models.JSONField(_("critérios"), default=dict)
    shared = models.BooleanField(
        _("compartilhada"), default=False, help_text=_("Visível para todos os usuários.")
    )
    pinned_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fixada no painel de"),
        blank=True,
        related_name="pinned_searches",
    )
    created_at = models.DateTimeField(_("criada em"), auto_now_add=True)
    updated_at = models.DateTimeField(_("atualizada em"), auto_now=True)

    class Meta:
        verbose_name = _("pesquisa salva")
        verbose_name_plural = _("pesquisas salvas")
        ordering = ["nome", "id"]
        permissions = [("share_savedsearch", _("Pode compartilhar pesquisas salvas"))]
        indexes = [
            models.Index(fields=["owner", "nome"], name="saved_search_owner_nome"),
            models.Index(fields=["nome"], condition=Q(shared=True), name="saved_search_shared"),
        ]
        constraints = [
            # One name per owner ("Inativos SP" twice would be ambiguous in the menu).
            models.UniqueConstraint(F("owner"), Lower("nome"), name="saved_search_owner_nome_ci"),
        ]

    def __str__(self):
        return self.nome


class BulkActionType(models.TextChoices):
    DEACTIVATE = "deactivate", _("Inativar")
    REACTIVATE = "reactivate", _("Reativar")


class BulkStatus(models.TextChoices):
    DRAFT = "draft", _("Aguardando confirmação")
    PENDING = "pending", _("Na fila")
    RUNNING = "running", _("Em andamento")
    DONE = "done", _("Concluída")
    CANCELLED = "cancelled", _("Cancelada")
    FAILED = "failed", _("Falhou")


class BulkAction(models.Model):
    """An action on every client a search matched, frozen as a snapshot of ids.

    ``ids``/``versoes`` are the clients (and the version of each) counted when
    the user was asked to confirm: the action applies to them only, and skips
    (lists in ``skipped_ids``) any that someone changed since. Run by
    ``clientes.bulk`` in batches; ``processed`` is how far it got.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("solicitante"),
        on_delete=models.PROTECT,
        related_name="bulk_actions",
    )
    action = models.CharField(_("ação"), max_length=10, choices=BulkActionType.choices)
    motivo = models.CharField(_("motivo"), max_length=255, blank=True)
    filters = models.JSONField(_("critérios"), default=dict, blank=True)
    saved_search = models.ForeignKey(
        SavedSearch,
        verbose_name=_("pesquisa salva"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    versoes = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    status = models.CharField(
        _("situação"), max_length=10, choices=BulkStatus.choices, default=BulkStatus.DRAFT
    )
    processed = models.PositiveIntegerField(_("processados"), default=0)
    changed_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    skipped_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    cancel_requested = models.BooleanField(_("cancelamento pedido"), default=False)
    error = models.TextField(_("erro"), blank=True)
    created_at = models.DateTimeField(_("solicitada em"), auto_now_add=True)
    started_at = models.DateTimeField(_("iniciada em"), null=True, blank=True)
    finished_at = models.DateTimeField(_("concluída em"), null=True, blank=True)

    class Meta:
        verbose_name = _("ação em lote")
        verbose_name_plural = _("ações em lote")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="bulk_action_owner_idx")]

    def __str__(self):
        return f"{self.get_action_display()} · {len(self.ids)}"

    def get_absolute_url(self):
        return reverse("clientes:bulk_detail", args=[self.pk])

    @property
    def total(self) -> int:
        return len(self.ids)

    @property
    def is_finished(self) -> bool:
        return self.status in (BulkStatus.DONE, BulkStatus.CANCELLED, BulkStatus.FAILED)

    @property
    def progress(self) -> int:
        """Percent of the snapshot processed."""
        return 100 if not self.ids else min(100, self.processed * 100 // len(self.ids))
