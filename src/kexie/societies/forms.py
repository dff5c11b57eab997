"""Staff forms of the societies module: an officer appointed or leaving office between
congresses. The forms only parse; the services check, save and audit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core import references
from kexie.core.forms import StyledForm
from kexie.societies.models import OfficerRole


def _date(label, **kwargs):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class OfficerAddForm(StyledForm):
    person = forms.ModelChoiceField(label=_("人员"), queryset=None)
    role = forms.ChoiceField(label=_("职务"), choices=OfficerRole.choices)
    starts_on = _date(_("任职日期"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["person"], "directory.Affiliation.person", actor, order_by=("name", "id"))


class OfficerEndForm(StyledForm):
    ends_on = _date(_("离任日期"), help_text=_("在任的最后一天"))
