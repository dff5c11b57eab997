"""Forms of the volunteers pages. They never save: the views pass `model_data()` to the
services (volunteers/services.py), which check scope and references, save and audit."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core import references
from kexie.core.forms import ModelFieldsForm, StyledForm
from kexie.directory.models import Region
from kexie.volunteers.models import (
    Course,
    ServiceRecord,
    VolunteerEvaluation,
    VolunteerProfile,
    VolunteerTeam,
)

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


# ---------------------------------------------------------------------- training courses

DATETIME = {"type": "datetime-local"}


class CourseForm(ModelFieldsForm):
    """A course on a ledger activity (`activity` only when creating: the activity is what the
    course counts once), its kind, the attendance completion needs and the trainers, chosen
    from the directory by the reference rules."""

    model = Course
    field_names = ("activity", "kind", "required_sessions", "trainers")

    def __init__(self, *args, actor, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": instance.kind, "required_sessions": instance.required_sessions,
                "trainers": list(instance.trainers.values_list("pk", flat=True)),
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        if instance is None:
            references.bind(self.fields["activity"], "volunteers.Course.activity", actor,
                            order_by=("-start_date", "-id"))  # fmt: skip
            self.fields["activity"].queryset = self.fields["activity"].queryset.filter(course__isnull=True)
        else:
            self.fields.pop("activity")
        references.bind(self.fields["trainers"], "volunteers.Course.trainers", actor, order_by=("name",))
        self.fields["trainers"].required = False

    def model_data(self) -> dict:
        return {
            "kind": self.cleaned_data["kind"],
            "required_sessions": self.cleaned_data["required_sessions"],
        }


class CourseSessionForm(StyledForm):
    """A class of a course: its title and time (sign-in by the rotating code during it)."""

    title = forms.CharField(label=_("课次名称"), max_length=200)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=forms.DateTimeInput(attrs=DATETIME))
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=forms.DateTimeInput(attrs=DATETIME))

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("结束时间:应晚于开始时间"))
        return data


class EnrolmentForm(StyledForm):
    """Enrol a person from the directory (in the user's scope) on the course."""

    person = forms.ModelChoiceField(label=_("学员"), queryset=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["person"], "volunteers.Enrolment.person", actor, order_by=("name",))


class AttendanceForm(StyledForm):
    """The class's sign-in sheet: the enrolled people who attended (check boxes)."""

    people = forms.ModelMultipleChoiceField(
        label=_("出勤学员"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args, enrolled, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = enrolled


class CompletionForm(StyledForm):
    """Complete an enrolment: the date, and the 农技协 the trainee now leads (if any)."""

    completed_on = forms.DateField(label=_("结业日期"), widget=forms.DateInput(attrs=DATE))
    leader_of = forms.ModelChoiceField(label=_("担任负责人的农技协"), queryset=None, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["leader_of"], "volunteers.Enrolment.leader_of", actor, order_by=("name",))


class LeaderForm(StyledForm):
    """Record that a trainee became the leader of a 农技协."""

    leader_of = forms.ModelChoiceField(label=_("担任负责人的农技协"), queryset=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["leader_of"], "volunteers.Enrolment.leader_of", actor, order_by=("name",))
