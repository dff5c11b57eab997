from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core import references
from kexie.core.forms import ModelFieldsForm, StyledForm
from kexie.directory.widgets import use_org_picker
from kexie.honours.models import Honour, HonourKind, RecommendationOutcome

HONOUR_FORM_FIELDS = (
    "kind", "title", "level", "year", "awarded_by", "person", "organisation", "subject", "prize", "outcome",
    "awarded_on", "document_no", "note", "unit",
)  # fmt: skip


class HonourForm(ModelFieldsForm):
    model = Honour
    field_names = HONOUR_FORM_FIELDS
    date_fields = ("awarded_on",)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["person"], "honours.Honour.person", actor, order_by=("name",))
        use_org_picker(self.fields["organisation"], rule="honours.Honour.organisation", user=actor)
        use_org_picker(self.fields["unit"], rule="honours.Honour.unit", user=actor)
        for name in ("person", "organisation", "unit"):
            self.fields[name].required = False

    def model_data(self) -> dict:
        data = super().model_data()
        if not data.get("unit"):
            data.pop("unit", None)
        return data


class HonourFilter(StyledForm):
    kind = forms.ChoiceField(
        label=_("类别"), choices=[("", "全部")] + list(HonourKind.choices), required=False
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1949, max_value=2100)


class OutcomeForm(StyledForm):
    outcome = forms.ChoiceField(label=_("推荐结果"), choices=RecommendationOutcome.choices)
    prize = forms.CharField(label=_("奖项等级"), max_length=30, required=False)
