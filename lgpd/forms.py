"""Forms of the LGPD workbench screens: they parse input; services do the writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lgpd.choices import CanalSolicitacao, StatusSolicitacao, TipoSolicitacao
from lgpd.models import ConfiguracaoLgpd


class SolicitacaoForm(forms.Form):
    cpf = forms.CharField(label=_("CPF do titular"), max_length=20)
    tipo = forms.ChoiceField(label=_("Tipo"), choices=TipoSolicitacao.choices)
    canal = forms.ChoiceField(label=_("Canal"), choices=CanalSolicitacao.choices)
    descricao = forms.CharField(
        label=_("Descrição"), required=False, max_length=4000, widget=forms.Textarea
    )


class SolicitacaoUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Situação"), choices=StatusSolicitacao.choices)
    resposta = forms.CharField(
        label=_("Resposta fundamentada ao titular"),
        required=False,
        max_length=8000,
        widget=forms.Textarea,
    )


class MotivoForm(forms.Form):
    motivo = forms.CharField(label=_("Motivo"), max_length=500)


class AnonymizeForm(MotivoForm):
    versao = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    confirmar = forms.BooleanField(
        label=_("Entendo que a anonimização é irreversível."), required=True
    )


class RetencaoLegalForm(forms.Form):
    motivo = forms.CharField(label=_("Obrigação legal ou regulatória"), max_length=500)
    ate = forms.DateField(label=_("Até"), widget=forms.DateInput(attrs={"type": "date"}))


class ConsentimentoForm(forms.Form):
    finalidade = forms.ChoiceField(label=_("Finalidade"))
    concedido = forms.TypedChoiceField(
        label=_("Situação"),
        choices=[("1", _("Concedido")), ("0", _("Revogado"))],
        coerce=lambda v: v == "1",
    )
    canal = forms.ChoiceField(label=_("Canal"), choices=CanalSolicitacao.choices)
    evidencia = forms.CharField(
        label=_("Evidência"), required=False, max_length=4000, widget=forms.Textarea
    )

    def __init__(self, *args, finalidades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finalidade"].choices = [(f, f) for f in finalidades]


class ConfiguracaoLgpdForm(forms.ModelForm):
    """The LGPD parameters; one deadline field per request type."""

    finalidades = forms.CharField(
        label=_("Finalidades de consentimento"),
        help_text=_("Uma por linha, ex.: marketing"),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    class Meta:
        model = ConfiguracaoLgpd
        fields = ["retencao_ativa", "retencao_anos", "nascimento_anonimizado"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["finalidades"] = "\n".join(self.instance.finalidades)
        for tipo, label in TipoSolicitacao.choices:
            self.fields[f"prazo_{tipo}"] = forms.IntegerField(
                label=_("Prazo (dias): %(tipo)s") % {"tipo": label},
                min_value=1,
                max_value=365,
                initial=self.instance.prazo_dias(tipo),
            )

    def clean_finalidades(self):
        lines = [line.strip() for line in self.cleaned_data["finalidades"].splitlines()]
        return list(dict.fromkeys(line for line in lines if line))

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["finalidades"] = self.cleaned_data["finalidades"]
        data["prazos_dias"] = {
            tipo: self.cleaned_data[f"prazo_{tipo}"] for tipo in TipoSolicitacao.values
        }
        return data
