"""Staff forms of funded projects. Amounts are typed in 元 (up to two decimals) and reach the
services in fen, parsed with Decimal (never floats); budget lines and payment plans are typed one
per line. The forms only parse: the services check, save and audit."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core import references
from kexie.core.forms import ModelFieldsForm, StyledForm
from kexie.directory.widgets import use_org_picker
from kexie.funds.codes import AcceptanceResult, ReportKind, TrancheCondition
from kexie.funds.models import Programme

MAX_FEN = 10**13
DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def fen_of(text, *, zero: bool = False) -> int:
    """元 as typed ("12500", "12,500.50", "1.2万") → fen exactly; ValueError with the reason."""
    raw = str(text or "").strip().replace(",", "").replace(",", "").removesuffix("元")
    scale = Decimal(100)
    if raw.endswith("万"):
        raw, scale = raw[:-1], Decimal(1_000_000)
    try:
        value = Decimal(raw) * scale
    except InvalidOperation:
        raise ValueError("金额应为数字(元,最多两位小数)") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError("金额最多两位小数(分)")
    if value < (0 if zero else 1) or value > MAX_FEN:
        raise ValueError("金额应为非负数" if zero else "金额应大于 0")
    return int(value)


class YuanField(forms.CharField):
    """An amount in 元 → fen (int)."""

    def __init__(self, *args, zero: bool = False, **kwargs):
        self.zero = zero
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", _("单位:元,最多两位小数"))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        try:
            return fen_of(value, zero=self.zero)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


def _split(line: str) -> list[str]:
    for sep in (",", "\t", ";", ";"):
        line = line.replace(sep, ",")
    return [p.strip() for p in line.split(",")]


def parse_budget_lines(text: str) -> list[dict]:
    """'支出科目,金额(元)' a line → [{"item", "amount_fen"}]."""
    rows, errors = [], []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = _split(line)
        if len(parts) < 2 or not parts[0]:
            errors.append(f"第{n}行:应为“支出科目,金额”")
            continue
        try:
            rows.append({"item": parts[0][:100], "amount_fen": fen_of(parts[1])})
        except ValueError as exc:
            errors.append(f"第{n}行:{exc}")
    if errors:
        raise forms.ValidationError(errors)
    if not rows:
        raise forms.ValidationError(_("请填写预算明细"))
    return rows


CONDITIONS = {str(label): value for value, label in TrancheCondition.choices}
SHORT_CONDITIONS = {"签订": "none", "协议": "none", "阶段": "milestone", "进展": "milestone", "财务": "financial",
                    "验收": "acceptance"}  # fmt: skip


def parse_tranches(text: str) -> list[dict]:
    """'金额(元),拨付条件' a line; the condition by its name, a word of it (阶段、财务、验收) or code."""
    rows, errors = [], []
    for n, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = _split(line) + [""]
        condition = parts[1]
        code = (condition if condition in TrancheCondition.values else CONDITIONS.get(condition)) or next(
            (v for k, v in SHORT_CONDITIONS.items() if k in condition), None
        )
        if not condition:
            code = TrancheCondition.NONE
        try:
            amount = fen_of(parts[0])
        except ValueError as exc:
            errors.append(f"第{n}批:{exc}")
            continue
        if code is None:
            errors.append(f"第{n}批:拨付条件“{condition}”应为 签订、阶段、财务、验收 之一")
            continue
        rows.append({"amount_fen": amount, "condition": code})
    if errors:
        raise forms.ValidationError(errors)
    if not rows:
        raise forms.ValidationError(_("请填写拨款计划"))
    return rows


class ProgrammeForm(ModelFieldsForm):
    model = Programme
    field_names = ("name", "kind", "direction", "year", "unit", "source_body", "note")

    budget = YuanField(label=_("预算(元)"))
    with_call = forms.BooleanField(
        label=_("同时发布项目征集(项目申报经征集评选评审、立项公示)"), required=False
    )
    call_title = forms.CharField(label=_("征集名称"), max_length=200, required=False)
    opens_on = forms.DateField(label=_("征集开始"), required=False, **DATE)
    closes_on = forms.DateField(label=_("征集截止"), required=False, **DATE)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["unit"], rule="funds.Programme.unit", user=actor)
        self.fields["unit"].required = False
        self.fields["year"].min_value = 1949
        self.order_fields(("name", "kind", "direction", "year", "budget", "unit", "source_body", "note"))
        self.style()

    def clean(self):
        data = super().clean()
        if data.get("with_call"):
            for name in ("opens_on", "closes_on"):
                if not data.get(name):
                    self.add_error(name, _("发布项目征集须填写征集起止日期"))
        return data

    def model_data(self) -> dict:
        data = super().model_data()
        data["budget_fen"] = self.cleaned_data.get("budget")
        if not data.get("unit"):
            data.pop("unit", None)
        return data

    def call_data(self) -> dict | None:
        d = self.cleaned_data
        if not d.get("with_call"):
            return None
        return {"title": d.get("call_title") or f"{d['name']}项目征集", "opens_on": d["opens_on"],
                "closes_on": d["closes_on"]}  # fmt: skip


class ApplicationForm(StyledForm):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    undertaker = forms.ModelChoiceField(label=_("承担单位"), queryset=None)
    leader_name = forms.CharField(label=_("项目负责人"), max_length=50, required=False)
    budget_lines = forms.CharField(
        label=_("预算明细"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("每行一项:支出科目,金额(元)。例:展品制作,15000"),
    )  # fmt: skip
    submit = forms.BooleanField(label=_("保存后即提交申报"), required=False, initial=True)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["undertaker"], rule="funds.Project.undertaker", user=actor)

    def clean_budget_lines(self):
        return parse_budget_lines(self.cleaned_data["budget_lines"])


class ApprovalForm(StyledForm):
    granted = YuanField(label=_("立项金额(元)"), required=False, help_text=_("留空为按申请金额立项"))
    document_no = forms.CharField(label=_("立项文号"), max_length=100, required=False)
    on = forms.DateField(label=_("立项日期"), required=False, **DATE)


class AgreementForm(StyledForm):
    agreement_no = forms.CharField(label=_("协议编号"), max_length=100)
    on = forms.DateField(label=_("协议签订日期"), required=False, **DATE)
    ends_on = forms.DateField(
        label=_("计划结题日期"), required=False, help_text=_("留空为计划年度年底"), **DATE
    )
    tranches = forms.CharField(
        label=_("拨款计划"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一批:金额(元),拨付条件(签订、阶段、财务、验收)。各批合计应等于立项金额"),
    )  # fmt: skip

    def clean_tranches(self):
        return parse_tranches(self.cleaned_data["tranches"])


class ReportForm(StyledForm):
    kind = forms.ChoiceField(label=_("报告类别"), choices=ReportKind.choices)
    period_end = forms.DateField(label=_("截至日期"), **DATE)
    spent = YuanField(label=_("本期支出(元)"), required=False, zero=True, help_text=_("仅财务报告填写"))
    text = forms.CharField(label=_("报告内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_period_end(self):
        day = self.cleaned_data["period_end"]
        if not 1949 <= day.year <= 2100:
            raise forms.ValidationError(_("日期应在 1949–2100 年之间"))
        return day


class AcceptanceForm(StyledForm):
    result = forms.ChoiceField(label=_("验收结论"), choices=AcceptanceResult.choices)
    note = forms.CharField(
        label=_("验收意见"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    on = forms.DateField(label=_("验收日期"), required=False, **DATE)


class CloseForm(StyledForm):
    returned = YuanField(label=_("退回结余(元)"), required=False, zero=True)
    on = forms.DateField(label=_("结项日期"), required=False, **DATE)


class ConflictForm(StyledForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    person = forms.ModelChoiceField(label=_("人员(名录)"), queryset=None, required=False)
    relation = forms.CharField(label=_("利益关系"), max_length=200)
    recused = forms.BooleanField(label=_("已回避"), required=False, initial=True)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["person"], "funds.ConflictOfInterest.person", actor, order_by=("name",))
