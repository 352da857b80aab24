"""The export form of the search screen: fields, format and CSV dialect."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.columns import DEFAULT_FIELDS, field_choices
from reports.models import CsvDialect, ExportFormat


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Formato"),
        choices=ExportFormat.choices,
        initial=ExportFormat.XLSX,
        widget=forms.RadioSelect,
    )
    csv_dialect = forms.ChoiceField(
        label=_("CSV"),
        choices=CsvDialect.choices,
        initial=CsvDialect.EXCEL,
        widget=forms.RadioSelect,
        required=False,
    )
    fields = forms.MultipleChoiceField(
        label=_("Campos"),
        choices=field_choices,
        initial=DEFAULT_FIELDS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Escolha pelo menos um campo.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "exp")  # never collides with a search parameter
        super().__init__(*args, **kwargs)
