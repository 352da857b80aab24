"""Forms of the import screens: the upload and the apply step."""

from django import forms
from django.utils.translation import gettext_lazy as _

from imports.models import OnConflict


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Planilha (CSV ou XLSX)"),
        help_text=_(
            "Primeira linha com os títulos das colunas (CPF, Nome, Data de nascimento, ...). "
            "CSV separado por ; ou , em UTF-8 ou Windows-1252; até 100.000 linhas."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    on_conflict = forms.ChoiceField(
        label=_("Cliente já cadastrado (mesmo CPF)"),
        choices=OnConflict.choices,
        initial=OnConflict.SKIP,
    )
