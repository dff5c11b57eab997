"""Forms of the call engine. A call's own entry form is built from its `form_fields` (data)."""

import datetime as dt
import json

from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.calls.codes import ConflictKind, MemberRole, ObjectorKind, Outcome, SchoolStage
from kexie.calls.models import Call, Entry
from kexie.core import references
from kexie.core.forms import ModelFieldsForm, StyledForm
from kexie.directory.codes import DesignationLevel
from kexie.directory.widgets import use_org_picker

CALL_FORM_FIELDS = (
    "title", "kind", "entrant_kind", "series", "edition", "year", "organiser", "honour_level", "higher_body", "opens_on",
    "closes_on", "review_on", "notice_days", "quota", "is_public", "is_blind", "description",
    "higher_call", "higher_level", "higher_quota",
)  # fmt: skip
JSON_FIELDS = {
    "form_fields": _("申报表字段(JSON)"),
    "eligibility": _("资格条件(JSON)"),
    "prize_levels": _("奖项等级(JSON)"),
}
JSON_HELP = {
    "form_fields": '[{"name": "achievements", "label": "主要事迹", "type": "text", "required": true}]',
    "eligibility": '[{"rule": "one_per_person"}, {"rule": "age_range", "max": 18}]',
    "prize_levels": '[{"code": "first", "label": "一等奖", "max_share": 0.1}]',
}


class CallForm(ModelFieldsForm):
    model = Call
    field_names = CALL_FORM_FIELDS
    date_fields = ("opens_on", "closes_on", "review_on")

    def __init__(self, *args, actor, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        use_org_picker(self.fields["organiser"], rule="calls.Call.organiser", user=actor)
        self.fields["organiser"].required = False
        self.fields["honour_level"].required = False
        references.bind(self.fields["higher_call"], "calls.Call.higher_call", actor)
        for name, label in JSON_FIELDS.items():
            initial = (
                json.dumps(getattr(instance, name), ensure_ascii=False) if instance is not None else "[]"
            )
            self.fields[name] = forms.CharField(
                label=label, required=False, initial=initial, help_text=_("例:") + JSON_HELP[name],
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control font-monospace"}),
            )  # fmt: skip

    def clean(self):
        data = super().clean()
        for name, label in JSON_FIELDS.items():
            text = (data.get(name) or "").strip() or "[]"
            try:
                data[name] = json.loads(text)
            except json.JSONDecodeError as exc:
                self.add_error(name, _("%(label)s不是有效的 JSON:%(e)s") % {"label": label, "e": exc.msg})
        return data

    def model_data(self) -> dict:
        data = super().model_data()
        for name in JSON_FIELDS:
            data[name] = self.cleaned_data.get(name, [])
        for name in ("organiser", "honour_level"):
            if not data.get(name):
                data.pop(name, None)
        return data


class QuotaForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("推荐单位"), queryset=None)
    quota = forms.IntegerField(label=_("名额"), min_value=0, max_value=100000)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["unit"], rule="calls.UnitQuota.unit", user=actor)


MEMBER_HELP = _("每行一人:姓名,角色(负责人/成员/指导教师),出生日期,学段(小学/初中/高中/中职/高校),学校")


def parse_members(text: str) -> list[dict]:
    """Team members typed one per line (the public form and imports give them as rows)."""
    roles = {str(label): value for value, label in MemberRole.choices}
    stages = {str(label): value for value, label in SchoolStage.choices}
    members, errors = [], []
    for n, line in enumerate((text or "").splitlines(), start=1):
        parts = [p.strip() for p in line.replace(",", ",").split(",")]
        if not parts or not parts[0]:
            continue
        name, role, birth, stage, school = (parts + ["", "", "", "", ""])[:5]
        member = {
            "name": name,
            "role": roles.get(role, role or MemberRole.MEMBER),
            "institution_name": school,
        }
        if member["role"] not in MemberRole.values:
            errors.append(f"第{n}行:角色“{role}”应为 负责人、成员、指导教师 之一")
        if birth:
            try:
                member["birth_date"] = dt.date.fromisoformat(birth)
            except ValueError:
                errors.append(f"第{n}行:出生日期“{birth}”应为 2008-05-01 的格式")
        if stage:
            if stage not in stages:
                errors.append(f"第{n}行:学段“{stage}”应为 {'、'.join(stages)} 之一")
            member["school_stage"] = stages.get(stage, "")
        members.append(member)
    if errors:
        raise forms.ValidationError(errors)
    return members


def answer_field(spec: dict) -> forms.Field:
    label, required = spec["label"], spec.get("required", False)
    kind = spec["type"]
    if kind == "number":
        return forms.DecimalField(label=label, required=required)
    if kind == "date":
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    if kind == "choice":
        return forms.ChoiceField(
            label=label, required=required, choices=[("", "—")] + [(c, c) for c in spec["choices"]]
        )
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}))


class EntryForm(StyledForm):
    """Staff enter or recommend an entry: the base fields and the call's own fields."""

    title = forms.CharField(label=_("名称"), max_length=200, help_text=_("作品、项目或参评人的名称"))
    person = forms.ModelChoiceField(label=_("参评人(名录)"), queryset=None, required=False)
    entrant_name = forms.CharField(label=_("参评人/单位名称"), max_length=200, required=False)
    institution_name = forms.CharField(label=_("所在单位/学校"), max_length=200, required=False)
    province = forms.CharField(label=_("省份"), max_length=20, required=False)
    submitting_unit = forms.ModelChoiceField(label=_("推荐/报送单位"), queryset=None, required=False)
    members = forms.CharField(
        label=_("团队成员"), required=False, help_text=MEMBER_HELP, widget=forms.Textarea
    )

    def __init__(self, *args, actor, call: Call, instance: Entry | None = None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title, "person": instance.person_id, "entrant_name": instance.entrant_name,
                "institution_name": instance.institution_name, "province": instance.province,
                "submitting_unit": instance.submitting_unit_id, **(instance.answers or {}),
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        references.bind(self.fields["person"], "calls.Entry.person", actor, order_by=("name",))
        use_org_picker(self.fields["submitting_unit"], rule="calls.Entry.submitting_unit", user=actor)
        self.call = call
        self.answer_names = []
        for spec in call.form_fields:
            if spec["type"] in ("members", "file"):
                continue
            name = f"answer_{spec['name']}"
            self.fields[name] = answer_field(spec)
            self.answer_names.append((name, spec["name"]))
            if instance is not None:
                self.initial[name] = (instance.answers or {}).get(spec["name"])
        self.style()

    def clean_members(self):
        return parse_members(self.cleaned_data.get("members", ""))

    def model_data(self) -> dict:
        data = {
            k: self.cleaned_data[k]
            for k in ("title", "person", "entrant_name", "institution_name", "province")
        }
        if self.cleaned_data.get("submitting_unit"):
            data["submitting_unit"] = self.cleaned_data["submitting_unit"]
        answers = {}
        for field_name, answer_name in self.answer_names:
            value = self.cleaned_data.get(field_name)
            if value not in (None, ""):
                answers[answer_name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        data["answers"] = answers
        return data

    def members_data(self) -> list[dict] | None:
        return self.cleaned_data.get("members") or None


class ReturnForm(StyledForm):
    reason = forms.CharField(label=_("退回原因"), max_length=500)


class DecisionForm(StyledForm):
    outcome = forms.ChoiceField(label=_("决定"), choices=Outcome.choices)
    prize = forms.CharField(label=_("奖项等级"), required=False, max_length=30)
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label=_("反对票"), min_value=0, max_value=1000, initial=0)
    votes_abstain = forms.IntegerField(label=_("弃权票"), min_value=0, max_value=1000, initial=0)
    meeting = forms.CharField(label=_("会议"), required=False, max_length=200)

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        if call.prize_levels:
            choices = [("", "—")] + [(p["code"], p["label"]) for p in call.prize_levels]
            self.fields["prize"] = forms.ChoiceField(label=_("奖项等级"), choices=choices, required=False)
            self.style()


class AliasForm(StyledForm):
    alias = forms.CharField(label=_("别名"), max_length=200)
    organisation = forms.ModelChoiceField(label=_("单位"), queryset=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["organisation"], rule="calls.InstitutionAlias.organisation", user=actor)


class ObjectionForm(StyledForm):
    """A written objection on the public notice page: a real name, or a unit with its seal."""

    objector_kind = forms.ChoiceField(
        label=_("提出方式"), choices=ObjectorKind.choices, widget=forms.RadioSelect
    )
    objector_name = forms.CharField(label=_("真实姓名"), max_length=50)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    objector_unit = forms.CharField(label=_("单位名称(单位提出时)"), max_length=200, required=False)
    seal = forms.FileField(label=_("加盖公章的书面材料(单位提出时)"), required=False)
    entry = forms.ModelChoiceField(
        label=_("异议对象"), queryset=None, required=False, empty_label=_("整体名单")
    )
    text = forms.CharField(label=_("异议内容与理由"), widget=forms.Textarea, max_length=5000)

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries
        self.fields["entry"].label_from_instance = lambda e: f"{e.code} {e.title}"


def attachment_field(spec: dict) -> forms.FileField:
    """A `file` field of the call's form: the browser offers the allowed types; the service
    checks type, content and size (`entry_files.check_file`), so the form requires nothing."""
    extensions = [str(e).lower() for e in spec.get("extensions") or ()]
    hints = []
    if extensions:
        hints.append(_("格式:%(ext)s") % {"ext": "、".join(extensions)})
    if spec.get("max_mb"):
        hints.append(_("不超过 %(mb)s MB") % {"mb": f"{float(spec['max_mb']):g}"})
    attrs = {"accept": ",".join(extensions)} if extensions else {}
    label = spec["label"] + ("" if spec.get("required") else _("(选填)"))
    return forms.FileField(
        label=label, required=False, help_text=";".join(str(h) for h in hints),
        widget=forms.ClearableFileInput(attrs=attrs),
    )  # fmt: skip


class RegistrationForm(StyledForm):
    """The public registration form (no login, on a phone), built from the call's own fields."""

    title = forms.CharField(label=_("作品/项目名称"), max_length=200)
    institution_name = forms.CharField(label=_("学校/单位"), max_length=200)
    province = forms.CharField(label=_("省份"), max_length=20, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30)
    members = forms.CharField(
        label=_("参赛者"), widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一人:姓名,角色(负责人/成员/指导教师),出生日期,学段;第一行为负责人"),
    )  # fmt: skip
    guardian_name = forms.CharField(
        label=_("监护人姓名(参赛者未满14周岁时填写)"), max_length=50, required=False
    )
    guardian_consent = forms.BooleanField(label=_("监护人已阅读隐私说明并同意报名"), required=False)
    privacy = forms.BooleanField(label=_("我已阅读并同意隐私说明"), required=False)

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer_names = []
        for spec in call.form_fields:
            if spec["type"] in ("members", "file"):
                continue
            name = f"answer_{spec['name']}"
            self.fields[name] = answer_field(spec)
            self.answer_names.append((name, spec["name"]))
        self.file_names = []
        for spec in call.form_fields:
            if spec["type"] == "file":
                name = f"file_{spec['name']}"
                self.fields[name] = attachment_field(spec)
                self.file_names.append((name, spec["name"]))
        self.order_fields(["title", "institution_name", "province", *[n for n, _ in self.answer_names],
                           *[n for n, _ in self.file_names], "members", "phone", "guardian_name",
                           "guardian_consent", "privacy"])  # fmt: skip
        self.style()

    def clean_members(self):
        return parse_members(self.cleaned_data.get("members", ""))

    def entry_data(self) -> dict:
        data = {k: self.cleaned_data[k] for k in ("title", "institution_name", "province")}
        answers = {}
        for field_name, answer_name in self.answer_names:
            value = self.cleaned_data.get(field_name)
            if value not in (None, ""):
                answers[answer_name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        data["answers"] = answers
        data["entrant_name"] = (
            self.cleaned_data["members"][0]["name"] if self.cleaned_data.get("members") else ""
        )
        return data

    def files_data(self) -> dict:
        """The call's `file` fields given: {field: upload} (checked by the service)."""
        return {
            spec: self.cleaned_data[name] for name, spec in self.file_names if self.cleaned_data.get(name)
        }

    def members_data(self) -> list[dict]:
        members = [dict(m) for m in self.cleaned_data.get("members") or []]
        for n, m in enumerate(members):
            m.setdefault("institution_name", self.cleaned_data.get("institution_name", ""))
            if not m.get("institution_name"):
                m["institution_name"] = self.cleaned_data.get("institution_name", "")
            if n == 0:
                m["role"] = MemberRole.LEADER
                m["phone"] = self.cleaned_data.get("phone", "")
            if self.cleaned_data.get("guardian_name"):
                m["guardian_name"] = self.cleaned_data["guardian_name"]
                m["guardian_consent"] = self.cleaned_data.get("guardian_consent", False)
        return members


# ---------------------------------------------------------------------- expert review


class RoundForm(StyledForm):
    """A review round: the rubric is data (JSON), the advancement rule a choice and a number."""

    name = forms.CharField(label=_("轮次名称"), max_length=40, help_text=_("如“初赛”“复赛”“决赛”"))
    per_entry = forms.IntegerField(label=_("每件评委数"), min_value=1, max_value=50, initial=3)
    min_load = forms.IntegerField(label=_("每位评委最少件数"), min_value=0, max_value=10000, initial=0)
    max_load = forms.IntegerField(label=_("每位评委最多件数"), min_value=1, max_value=10000, initial=30)
    criteria = forms.CharField(
        label=_("评分标准(JSON)"), required=False,
        help_text=_('例:[{"code": "innovation", "label": "创新性", "weight": 2, "max": 40}];留空为“综合评价”百分制'),
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control font-monospace"}),
    )  # fmt: skip
    advance = forms.ChoiceField(
        label=_("晋级规则"), required=False,
        choices=[("", _("不晋级(最后一轮)")), ("top", _("前 N 名晋级")), ("threshold", _("达到分数线晋级"))],
    )  # fmt: skip
    advance_value = forms.DecimalField(label=_("N 或分数线"), required=False, max_digits=8, decimal_places=2)
    ranking_method = forms.ChoiceField(
        label=_("排序方法"),
        choices=[
            ("calibrated", _("校准分(评委宽严与尺度)")),
            ("zscore", _("标准分")),
            ("raw", _("原始平均分")),
        ],
    )
    due_on = forms.DateField(
        label=_("评分截止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            rule = instance.advance_rule or {}
            kind = next(iter(rule), "")
            kwargs["initial"] = {
                "name": instance.name, "per_entry": instance.per_entry, "min_load": instance.min_load,
                "max_load": instance.max_load, "criteria": json.dumps(instance.criteria, ensure_ascii=False),
                "advance": kind, "advance_value": rule.get(kind), "ranking_method": instance.ranking_method,
                "due_on": instance.due_on,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        self.style()

    def clean(self):
        data = super().clean()
        text = (data.get("criteria") or "").strip()
        try:
            data["criteria"] = json.loads(text) if text else []
        except json.JSONDecodeError as exc:
            self.add_error("criteria", _("评分标准不是有效的 JSON:%(e)s") % {"e": exc.msg})
        if data.get("advance") and data.get("advance_value") is None:
            self.add_error("advance_value", _("请填写晋级名额或分数线"))
        return data

    def model_data(self) -> dict:
        d = self.cleaned_data
        rule = {}
        if d.get("advance") == "top":
            rule = {"top": int(d["advance_value"])}
        elif d.get("advance") == "threshold":
            rule = {"threshold": float(d["advance_value"])}
        return {
            "name": d["name"], "per_entry": d["per_entry"], "min_load": d["min_load"], "max_load": d["max_load"],
            "criteria": d["criteria"], "advance_rule": rule, "ranking_method": d["ranking_method"],
            "due_on": d.get("due_on"),
        }  # fmt: skip


class JudgeForm(StyledForm):
    person = forms.ModelChoiceField(label=_("评审专家"), queryset=None)
    user = forms.ModelChoiceField(label=_("登录账号"), queryset=None)
    expertise = forms.CharField(label=_("专业方向"), required=False, max_length=500,
                                help_text=_("留空则取专家简介"))  # fmt: skip

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["person"], "calls.RoundJudge.person", actor, order_by=("name",))
        references.bind(self.fields["user"], "calls.RoundJudge.user", actor, order_by=("username",))
        self.style()


class ConflictForm(StyledForm):
    judge = forms.ModelChoiceField(label=_("评委"), queryset=None)
    entry = forms.ModelChoiceField(label=_("作品"), queryset=None)
    kind = forms.ChoiceField(label=_("回避类型"), choices=ConflictKind.choices)
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, *args, actor, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = round.judges.select_related("person")
        references.bind(self.fields["entry"], "calls.JudgeConflict.entry", actor, order_by=("code",))
        self.fields["entry"].queryset = self.fields["entry"].queryset.filter(call=round.call)
        self.fields["entry"].label_from_instance = lambda e: f"{e.code} {e.title}"
        self.style()


class ScoreForm(StyledForm):
    """A judge's scores on a phone: one number per criterion of the round's rubric."""

    comment = forms.CharField(label=_("评语"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args, criteria, initial_values=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for c in criteria:
            self.fields[f"c_{c['code']}"] = forms.CharField(
                label=f"{c['label']}(0–{c['max']:g},权重 {c['weight']:g})", required=False,
                initial=(initial_values or {}).get(c["code"]),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )  # fmt: skip
        self.order_fields([*(f"c_{c['code']}" for c in criteria), "comment"])
        self.style()

    def values(self) -> dict:
        return {c["code"]: (self.data.get(f"c_{c['code']}") or "").strip() for c in self.criteria}


class HigherResultForm(StyledForm):
    """A higher contest's result for one entry (每级一条;再次登记同一级别即更正)."""

    level = forms.ChoiceField(label=_("上级竞赛级别"), choices=DesignationLevel.choices)
    result = forms.CharField(label=_("结果"), max_length=60, help_text=_("如“省赛一等奖”“获批”“未获奖”"))
    prize = forms.CharField(label=_("奖项等级"), max_length=30, required=False)
