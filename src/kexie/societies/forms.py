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


class RectificationForm(StyledForm):
    """限期整改 ordered by a supervising unit (services.rectification_order checks and audits)."""

    organisation = forms.ModelChoiceField(label=_("整改单位"), queryset=None)
    reasons = forms.CharField(label=_("整改原因"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    required_evidence = forms.CharField(
        label=_("须提交的整改材料"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    ordered_on = _date(_("下达日期"), required=False, help_text=_("缺省为今天"))
    deadline = _date(_("整改期限"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["organisation"], rule="societies.Rectification.organisation", user=actor)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "organisation" and v not in (None, "")}


class TermForm(StyledForm):
    """A term of office (届次); its officers are appointed on the officers page from its start."""

    organisation = forms.ModelChoiceField(label=_("单位"), queryset=None)
    number = forms.IntegerField(label=_("届次"), min_value=1, max_value=99, required=False,
                                help_text=_("缺省为上一届的下一届"))  # fmt: skip
    starts_on = _date(_("本届开始日期"), help_text=_("换届大会选举产生新一届之日"))
    ends_on = _date(_("本届届满日期"), required=False, help_text=_("缺省为5年"))
    member_count = forms.IntegerField(label=_("会员(代表)数"), min_value=0, max_value=1000000, required=False)
    board_size = forms.IntegerField(label=_("理事会人数"), min_value=0, max_value=100000, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["organisation"], rule="societies.Term.organisation", user=actor)

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "organisation" and v is not None}


class CongressForm(StyledForm):
    """The congress (会员代表大会) that ends a term, and its filing."""

    congress_on = _date(_("换届大会日期"))
    filed_on = _date(_("换届备案日期"), required=False, help_text=_("大会后30个工作日内"))

    def clean(self):
        d = super().clean()
        if d.get("congress_on") and d.get("filed_on") and d["filed_on"] < d["congress_on"]:
            self.add_error("filed_on", _("换届备案日期:不能早于换届大会日期"))
        return d


SCHEME_HELP = _(
    "每行一项:编号,类别,名称,分值[,计分规则[,每条记录得分]];类别为基础条件、内部治理、工作绩效、社会评价之一,总分1000分"
)


def _scheme_items_text(items) -> str:
    rows = []
    for i in items:
        row = [i["code"], i["category"], i["name"], str(i["max"])]
        if i.get("source"):
            row.append(i["source"])
            if i.get("per"):
                row.append(str(i["per"]))
        rows.append(",".join(row))
    return "\n".join(rows)


def _scheme_grades_text(grades) -> str:
    return "\n".join(f"{line},{grade}" for line, grade in grades)


class SchemeForm(StyledForm):
    """A scoring scheme as data: items one a line, grade lines one a line; a bad line is named."""

    name = forms.CharField(label=_("名称"), max_length=100)
    items = forms.CharField(label=_("评分细则"), help_text=SCHEME_HELP, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 16}))  # fmt: skip
    grades = forms.CharField(label=_("等级线"), help_text=_("每行一条:最低分,等级;从高到低"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip

    @staticmethod
    def initial_from(items, grades) -> dict:
        return {"items": _scheme_items_text(items), "grades": _scheme_grades_text(grades)}

    def clean_items(self):
        items = []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace(",", ",").split(",")]
            if len(parts) < 4 or len(parts) > 6:
                raise forms.ValidationError(
                    _("第%(n)d行:应为“编号,类别,名称,分值[,计分规则[,每条记录得分]]”") % {"n": n}
                )
            numbers = [parts[3]] + parts[5:6]
            if not all(p.isdigit() and int(p) > 0 for p in numbers):
                raise forms.ValidationError(_("第%(n)d行:分值和每条记录得分应为正整数") % {"n": n})
            item = {"code": parts[0], "category": parts[1], "name": parts[2], "max": int(parts[3]),
                    "source": parts[4] if len(parts) > 4 else ""}  # fmt: skip
            if len(parts) > 5:
                item["per"] = int(parts[5])
            items.append(item)
        return items

    def clean_grades(self):
        grades = []
        for n, line in enumerate(self.cleaned_data["grades"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace(",", ",").split(",")]
            if len(parts) != 2 or not parts[0].isdigit() or not parts[1] or len(parts[1]) > 10:
                raise forms.ValidationError(_("第%(n)d行:应为“最低分,等级”,等级不超过10个字") % {"n": n})
            grades.append([int(parts[0]), parts[1]])
        if not grades:
            raise forms.ValidationError(_("等级线:不能为空"))
        return grades


class EvaluationOpenForm(StyledForm):
    """Open an evaluation of a society on a scheme; evaluators in conflict are refused by name."""

    organisation = forms.ModelChoiceField(label=_("评估单位"), queryset=None)
    scheme = forms.ModelChoiceField(label=_("评估指标体系"), queryset=None)
    year = forms.IntegerField(label=_("评估年度"), min_value=2000, max_value=2100)
    evaluators = forms.ModelMultipleChoiceField(label=_("评估专家"), queryset=None, required=False,
                                                help_text=_("与被评估单位同单位或在回避名单中的专家不能参加"))  # fmt: skip

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["organisation"], rule="societies.Evaluation.organisation", user=actor)
        references.bind(self.fields["scheme"], "societies.Evaluation.scheme", actor, order_by=("name",))
        references.bind(
            self.fields["evaluators"], "societies.Evaluation.evaluators", actor, order_by=("name", "id")
        )
