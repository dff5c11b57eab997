"""Forms of the volunteers pages. They never save: the views pass `model_data()` to the
services (volunteers/services.py), which check scope and references, save and audit."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core import references
from kexie.core.forms import ModelFieldsForm, StyledForm
from kexie.directory.models import Region
from kexie.volunteers.models import ServiceRecord, VolunteerEvaluation, VolunteerProfile, VolunteerTeam

DATE = {"type": "date"}


class VolunteerForm(ModelFieldsForm):
    """Register a directory person as a volunteer (`person` only when registering) or edit the
    profile. The ID number arrives masked and is kept when the mask comes back unchanged."""

    model = VolunteerProfile
    field_names = ("person", "birth_date", "id_type", "id_number", "residence_region", "skills",
                   "service_category", "registered_on", "teams")  # fmt: skip
    date_fields = ("birth_date", "registered_on")

    person = forms.ModelChoiceField(label=_("人员"), queryset=None)
    id_number = forms.CharField(
        label=_("身份证件号码"), max_length=24, required=False, help_text=_("保存后加密存储,页面上显示掩码")
    )
    teams = forms.ModelMultipleChoiceField(label=_("所在团队"), queryset=VolunteerTeam.objects.none(),
                                           required=False)  # fmt: skip

    def __init__(self, *args, actor, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "birth_date": instance.birth_date, "id_type": instance.id_type,
                "id_number": instance.id_number_masked, "residence_region": instance.residence_region_id,
                "skills": instance.skills, "service_category": instance.service_category,
                "registered_on": instance.registered_on, "teams": list(instance.teams.values_list("pk", flat=True)),
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        if instance is None:
            references.bind(
                self.fields["person"], "volunteers.VolunteerProfile.person", actor, order_by=("name",)
            )
            self.fields["person"].queryset = self.fields["person"].queryset.filter(
                volunteer_profile__isnull=True
            )
        else:
            self.fields.pop("person")
            self.fields["id_number"].help_text = _("保持掩码不变表示不修改")
        references.bind(self.fields["teams"], "volunteers.VolunteerProfile.teams", actor)
        self.fields["teams"].queryset = self.fields["teams"].queryset.select_related("organisation")
        self.fields["residence_region"].queryset = Region.objects.order_by("code")
        self.fields["registered_on"].required = False
        self.style()

    def model_data(self) -> dict:
        data = super().model_data()
        data.pop("person", None)
        data.pop("teams", None)
        if not data.get("registered_on"):
            data.pop("registered_on", None)
        data["id_number"] = data.get("id_number") or ""
        return data


class TeamForm(ModelFieldsForm):
    model = VolunteerTeam
    field_names = ("organisation", "service_category", "leader", "founded_on")
    date_fields = ("founded_on",)

    def __init__(self, *args, actor, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is None:
            references.bind(self.fields["organisation"], "volunteers.VolunteerTeam.organisation", actor,
                            order_by=("name",))  # fmt: skip
            self.fields["organisation"].queryset = self.fields["organisation"].queryset.filter(
                volunteer_team__isnull=True
            )
        else:
            self.fields.pop("organisation")
        references.bind(self.fields["leader"], "volunteers.VolunteerTeam.leader", actor, order_by=("name",))

    def model_data(self) -> dict:
        data = super().model_data()
        data.pop("organisation", None)
        return data


RECORD_FIELDS = ("volunteer", "activity", "served_on", "place", "content", "hours", "organising_unit",
                 "responsible_person", "team")  # fmt: skip


class RecordForm(ModelFieldsForm):
    """A team's entry (recorded at once) or, when editing, the correction of an entry: the
    volunteer and the activity of an entry stay as they are."""

    model = ServiceRecord
    field_names = RECORD_FIELDS
    date_fields = ("served_on",)

    def __init__(self, *args, actor, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is None:
            references.bind(self.fields["volunteer"], "volunteers.ServiceRecord.volunteer", actor)
            self.fields["volunteer"].queryset = self.fields["volunteer"].queryset.select_related("person")
            references.bind(self.fields["activity"], "volunteers.ServiceRecord.activity", actor,
                            order_by=("-start_date", "-id"))  # fmt: skip
            self.fields["served_on"].required = False
            self.fields["served_on"].help_text = _("省略时为活动开始日期")
            self.fields["place"].required = False
            self.fields["place"].help_text = _("省略时为活动地点")
        else:
            self.fields.pop("volunteer")
            self.fields.pop("activity")
        references.bind(self.fields["organising_unit"], "volunteers.ServiceRecord.organising_unit", actor,
                        order_by=("name",))  # fmt: skip
        self.fields["organising_unit"].required = instance is not None
        if instance is None:
            self.fields["organising_unit"].help_text = _("省略时为活动主办单位")
        references.bind(self.fields["responsible_person"], "volunteers.ServiceRecord.responsible_person", actor,
                        order_by=("name",))  # fmt: skip
        references.bind(self.fields["team"], "volunteers.ServiceRecord.team", actor)
        self.fields["team"].queryset = self.fields["team"].queryset.select_related("organisation")

    def model_data(self) -> dict:
        data = super().model_data()
        data.pop("volunteer", None)
        data.pop("activity", None)
        for name in ("served_on", "place", "organising_unit"):
            if not data.get(name):
                data.pop(name, None)
        return data


class SelfReportForm(StyledForm):
    """The volunteer's own report from the phone: pending until a reviewer approves it."""

    activity = forms.ModelChoiceField(label=_("服务活动"), queryset=None)
    served_on = forms.DateField(label=_("服务日期"), required=False, widget=forms.DateInput(attrs=DATE),
                                help_text=_("省略时为活动开始日期"))  # fmt: skip
    hours = forms.DecimalField(label=_("服务时长(小时)"), min_value=Decimal("0.01"), max_value=Decimal("24"),
                               max_digits=4, decimal_places=2)  # fmt: skip
    content = forms.CharField(label=_("服务内容"), max_length=300)
    place = forms.CharField(label=_("服务地点"), max_length=200, required=False)

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["activity"].label_from_instance = lambda a: f"{a.title}({a.start_date:%Y-%m-%d})"
        self.fields["hours"].widget.attrs["inputmode"] = "decimal"

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "activity" and v not in (None, "")}
        return data


class DeclineForm(StyledForm):
    reason = forms.CharField(label=_("未通过原因"), max_length=300)


class EvaluationForm(ModelFieldsForm):
    """An evaluation on a volunteer's record: the evaluating unit (in the user's scope), the
    year, the rating, the comments and the date."""

    model = VolunteerEvaluation
    field_names = ("unit", "year", "rating", "comment", "evaluated_on")
    date_fields = ("evaluated_on",)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["unit"], "volunteers.VolunteerEvaluation.unit", actor, order_by=("name",))
        if getattr(actor, "unit_id", None) and not self.is_bound:
            self.initial.setdefault("unit", actor.unit_id)

    def model_data(self) -> dict:
        data = super().model_data()
        data.pop("unit", None)
        return data
