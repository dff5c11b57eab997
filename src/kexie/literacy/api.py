"""API of the literacy survey: surveys in scope and their results (estimates with SE and CI).

GET /api/v1/literacy/surveys
GET /api/v1/literacy/surveys/{id}/results   (202 with the estimate job's progress for a large
                                            survey whose data changed: the job computes it)
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema

from kexie.core.api_base import Status, actor
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


class LiteracyEstimateJobOut(Schema):
    survey: SurveyOut
    job_id: str = Field(title="后台任务编号", description="进度也可在 /jobs/{job_id}/ 查看")
    state: str = Field(title="任务状态", description="queued, running, done, failed")
    done: int = Field(title="已完成步数")
    total: int = Field(title="总步数(0 为尚未得知)")
    percent: int = Field(title="完成百分比")
    status_line: str = Field(title="进度说明")
    error: str = Field(title="失败原因(失败时)")
    results_at: datetime | None = Field(title="上次估计时间(已过时;无则为空)")


@router.get(
    "/surveys/{survey_id}/results",
    response={200: ResultsOut, 202: LiteracyEstimateJobOut},
    summary="调查结果",
)
def survey_results(request: HttpRequest, survey_id: Id, again: bool = False):
    """具备科学素质的公民比例:总体及按县市区、性别、年龄段、文化程度、城乡,含标准误与 95% 置信区间。

    答卷多于 KEXIE_LITERACY_JOB_RESPONSES 份且数据在上次估计后有变化的调查,估计由后台任务计算:
    此时答 202,给出该任务的状态与进度(没有任务时开始一个),完成后再次请求即得结果;任务失败时
    答其失败原因,带 again=true 请求则重新计算。"""
    user = actor(request)
    survey = selectors.survey_for(user, survey_id)
    version = selectors.data_version(survey)
    data = selectors.cached_results(survey, version)
    if data is None and selectors.estimates_as_job(survey):
        from kexie.core.jobs import percent
        from kexie.literacy.jobs import estimate_job_for

        job = estimate_job_for(user, survey, version, again=again)
        return Status(202, {
            "survey": survey, "job_id": str(job.pk), "state": job.state, "done": job.done, "total": job.total,
            "percent": percent(job), "status_line": job.status_line, "error": job.error,
            "results_at": survey.results_at if survey.results else None,
        })  # fmt: skip
    return {"survey": survey, **(data if data is not None else selectors.survey_results(survey))}
