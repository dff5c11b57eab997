from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core import references
from kexie.opinion.models import AlertRule, Article, Channel, Scheme, Sentiment, Source


class ItemFilter(forms.Form):
    q = forms.CharField(label=_("标题关键词"), required=False, max_length=100)
    sentiment = forms.ChoiceField(
        label=_("情感"), required=False, choices=[("", _("全部"))] + Sentiment.choices
    )


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["name", "kind", "url", "is_active", "is_watched"]


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = [
            "name",
            "region_words",
            "subject_words",
            "event_words",
            "exclude_words",
            "expression",
            "is_active",
        ]
        help_texts = {
            "expression": _("可选。例:(济宁 OR 兖州) AND 科协 NOT 广告;含空格的词组用英文双引号"),
            "region_words": _("多个词用空格、逗号或顿号分隔,命中任一即可"),
        }


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "channel",
            "published_on",
            "title",
            "link",
            "reads",
            "likes",
            "shares",
            "is_debunking",
            "summary",
        ]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }

    activity_ids = forms.CharField(
        label=_("报道的活动编号"), required=False, max_length=1000,
        help_text=_("活动页面地址中的编号,多个用空格或逗号分隔;只能填写您范围内的活动"),
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk and "activity_ids" not in self.initial:
            ids = self.instance.activities.order_by("pk").values_list("pk", flat=True)
            self.initial["activity_ids"] = " ".join(str(pk) for pk in ids)

    def clean_activity_ids(self):
        """The activities named: those the article already reports on stay; new ones must be in
        the user's scope (kexie.core.references)."""
        import re

        raw = [w for w in re.split(r"[\s,，、;；]+", self.cleaned_data.get("activity_ids") or "") if w]
        bad = [w for w in raw if not w.isdigit() or len(w) > 12]
        if bad:
            raise forms.ValidationError(_("“%(w)s”不是活动编号(应为数字)") % {"w": bad[0]})
        ids = list(dict.fromkeys(int(w) for w in raw))
        if len(ids) > 100:
            raise forms.ValidationError(_("最多关联100个活动"))
        held = {a.pk: a for a in self.instance.activities.all()} if self.instance.pk else {}
        wanted = [pk for pk in ids if pk not in held]
        found = {
            a.pk: a for a in references.choices("opinion.Article.activities", self.user).filter(pk__in=wanted)
        }
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            raise forms.ValidationError(_("活动“%(n)s”不存在或不在您的范围内") % {"n": missing[0]})
        return [held.get(pk) or found[pk] for pk in ids]

    def article_data(self) -> tuple[dict, list]:
        """(the article's fields, its activities) for the services."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return data, self.cleaned_data.get("activity_ids") or []


class SubmissionForm(forms.Form):
    url = forms.CharField(label=_("链接"), required=False, max_length=500)
    text = forms.CharField(
        label=_("文字"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    screenshot = forms.FileField(label=_("截图"), required=False)


class CorrectionForm(forms.Form):
    label = forms.ChoiceField(label=_("校正为"), choices=Sentiment.choices)


class ArticleFilter(forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部"))] + Channel.choices)


class AlertRuleForm(forms.ModelForm):
    """An alert rule: the kind says which of the fields count (heat threshold for 负面且热度,
    words for 敏感词, source for 重点来源 — none: every source marked 重点关注 —, author for 重点作者)."""

    class Meta:
        model = AlertRule
        fields = [
            "name", "kind", "heat_threshold", "words", "source", "author", "quiet_start", "quiet_end", "queue",
            "is_active",
        ]  # fmt: skip
        widgets = {
            "quiet_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        help_texts = {"words": _("多个词用空格、逗号或顿号分隔,出现任一即预警")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["source"], "opinion.AlertRule.source", user)
        references.bind(self.fields["queue"], "opinion.AlertRule.queue", user)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == "words" and not (data.get("words") or "").strip():
            self.add_error("words", _("敏感词规则须填写敏感词"))
        if kind == "author" and not (data.get("author") or "").strip():
            self.add_error("author", _("重点作者规则须填写作者"))
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            self.add_error("quiet_end", _("免打扰时段须同时填写开始和结束时间"))
        return data
