"""API of the literacy survey: surveys in scope and their results (estimates with SE and CI).

GET /api/v1/literacy/surveys
GET /api/v1/literacy/surveys/{id}/results
"""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.core.api_base import actor
from kexie.core.schemas import Id
from kexie.literacy import selectors

router = Router(tags=["科学素质调查"])


class SurveyOut(Schema):
    id: int
    name: str
    year: int
    unit: str = Field(title="负责单位")
    literate_threshold: float
    threshold_inclusive: bool = Field(title="分数线含本数(≥)")

    @staticmethod
    def resolve_unit(obj) -> str:
        return str(obj.unit)


class EstimateOut(Schema):
    domain: str = Field(
        title="分组字段", description="overall, county, sex, age_group, education, urban_rural"
    )
    domain_label: str
    level: str = Field(title="类别")
    n: int = Field(title="有效样本量")
    share: float | None = Field(title="具备科学素质比例(0–1)")
    se: float | None = Field(title="标准误")
    ci_low: float | None = Field(title="95% 置信区间下限(logit 法)")
    ci_high: float | None = Field(title="95% 置信区间上限")
    mean_score: float | None = Field(None, title="平均得分")
    population: float | None = Field(None, title="加权人口数")


class WeightingOut(Schema):
    margin: str
    cell: str
    census: float
    weighted: float


class ResultsOut(Schema):
    survey: SurveyOut
    n_responses: int = Field(title="答卷总数")
    n_valid: int = Field(title="有效答卷")
    status_counts: dict[str, int] = Field(title="各状态答卷数")
    weighted: bool = Field(title="是否已按普查边际加权")
    overall: EstimateOut | None
    by_domain: dict[str, list[EstimateOut]]
    weighting: list[WeightingOut]
    notes: list[str]
    error: str


@router.get("/surveys", response=list[SurveyOut], summary="调查列表")
def survey_list(request: HttpRequest):
    """本单位及下级单位的公民科学素质调查。"""
    return list(selectors.surveys_for(actor(request))[:200])


@router.get("/surveys/{survey_id}/results", response=ResultsOut, summary="调查结果")
def survey_results(request: HttpRequest, survey_id: Id):
    """具备科学素质的公民比例:总体及按县市区、性别、年龄段、文化程度、城乡,含标准误与 95% 置信区间。"""
    survey = selectors.survey_for(actor(request), survey_id)
    return {"survey": survey, **selectors.survey_results(survey)}
