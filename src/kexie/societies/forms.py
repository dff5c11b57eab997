"""Staff forms of the societies module: a new society prepared with its party plan (党建前置)
and set up; an officer appointed or leaving office between congresses. The forms only parse; the services check, save and audit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core import references
from kexie.core.forms import StyledForm
from kexie.directory.codes import OrgKind
from kexie.directory.widgets import use_org_picker
from kexie.societies.models import OfficerRole, PartyPlan


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


class FoundingForm(StyledForm):
    """A new society or research institute, prepared with its party plan (党建前置): the rule is
    kexie.societies.rules.party_plan_check, applied by services.founding_prepare."""

    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[(k, OrgKind(k).label) for k in (OrgKind.SOCIETY, OrgKind.RESEARCH_INSTITUTE)],
    )
    supervisor = forms.ModelChoiceField(label=_("业务主管单位"), queryset=None, required=False,
                                        help_text=_("缺省为本单位"))  # fmt: skip
    party_plan = forms.ChoiceField(label=_("党组织设置方案"), choices=PartyPlan.choices)
    party_members = forms.IntegerField(
        label=_("发起人中党员数"), min_value=0, max_value=10000, required=False
    )
    joint_branch = forms.CharField(label=_("拟纳入的联合党支部"), max_length=200, required=False)
    prepared_on = _date(_("筹建日期"), required=False, help_text=_("缺省为今天"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["supervisor"], rule="societies.Founding.supervisor", user=actor)

    def service_data(self) -> dict:
        d = self.cleaned_data
        data = {k: d[k] for k in ("name", "kind", "party_plan")}
        data["party_members"] = d.get("party_members") or 0
        data["joint_branch"] = d.get("joint_branch") or ""
        for name in ("supervisor", "prepared_on"):
            if d.get(name):
                data[name] = d[name]
        return data


class FoundingCompleteForm(StyledForm):
    founded_on = _date(_("成立日期"), required=False, help_text=_("缺省为今天"))
