"""Every API endpoint × every persona, with the status each must answer.

The targets belong to 任城区科协 (county_staff's unit): the city sees them, the county
owns them, the society and 兖州区 (outsider) are out of scope (404), anonymous gets 401.
`test_matrix_covers_every_endpoint` fails when an endpoint is added without a row here.
"""

import datetime as dt
import importlib.util
from pathlib import Path
from urllib.parse import urlencode

import pytest

from kexie.accounts.services import api_token_create
from kexie.activities.services import activity_submit, campaign_create
from kexie.api import api
from kexie.core.certificates import certificate_issue, display_code
from kexie.directory.services import designation_create, person_create

# The records of the reports, literacy and innovation rows are built by the same functions as
# the web matrix's (tests/core/matrix_urls.py).
_spec = importlib.util.spec_from_file_location(
    "kexie_matrix_urls", Path(__file__).with_name("matrix_urls.py")
)
web_matrix = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(web_matrix)

PERSONAS = ("city_admin", "county_staff", "society_secretary", "outsider", "anonymous")
IN_SCOPE = {
    "city_admin": 200,
    "county_staff": 200,
    "society_secretary": 404,
    "outsider": 404,
    "anonymous": 401,
}


def everyone(status):
    return {p: status for p in PERSONAS[:-1]} | {"anonymous": 401}


SOCIETY_SCOPE = {
    "city_admin": 200,
    "county_staff": 404,
    "society_secretary": 200,
    "outsider": 404,
    "anonymous": 401,
}


def society_officer_body(_world, targets):
    return {
        "person_id": targets["society_officer"].person_id,
        "role": "secretary_general",
        "starts_on": "2020-06-01",
    }


def society_scheme_body(_world, _targets):
    from kexie.societies.evaluation import DEFAULT_GRADES, DEFAULT_ITEMS

    return {
        "name": "县级科协评估",
        "items": DEFAULT_ITEMS,
        "grades": [{"min_score": m, "grade": g} for m, g in DEFAULT_GRADES],
    }


def society_evaluation_body(_world, targets):
    return {"scheme_id": targets["society_evaluation"].scheme_id, "year": 2021}


def in_scope(ok):
    return {p: (ok if code == 200 else code) for p, code in IN_SCOPE.items()}


def activity_body(world, _targets):
    return {
        "title": "科普讲座",
        "kind_id": world.kinds["outreach.lecture"].pk,
        "start_date": "2020-09-19",
        "end_date": "2020-09-19",
        "region_id": world.regions["370811"].pk,
        "organiser_id": world.orgs["rencheng"].pk,
        "participants": 50,
    }


def city_only(ok):
    return {
        "city_admin": ok,
        "county_staff": 404,
        "society_secretary": 404,
        "outsider": 404,
        "anonymous": 401,
    }


def office_task_body(_world, targets):
    return {"title": "报送年度总结", "department_id": targets["office_office"].unit_id,
            "owner_id": targets["office_cadre_a"].pk, "source": "notice", "notice": "省科协通知",
            "assigned_on": "2020-09-30", "working_days": 5}  # fmt: skip


def office_decision_body(_world, targets):
    return {"department_id": targets["office_office"].unit_id, "owner_id": targets["office_cadre_b"].pk,
            "deadline": "2020-06-30"}  # fmt: skip


def office_task_update_body(_world, targets):
    return {"title": "整理2019年度档案", "department_id": targets["office_office"].unit_id,
            "owner_id": targets["office_cadre_b"].pk, "source": "plan", "assigned_on": "2020-01-06",
            "deadline": "2020-04-30"}  # fmt: skip


def office_department_body(_world, targets):
    return {"name": "综合办公室", "order": 1, "leader_id": targets["office_leader"].pk}


def office_cadre_body(_world, targets):
    return {"name": "孙干部", "department_id": targets["office_office"].unit_id, "position": "科员"}


def office_force_body(_world, targets):
    return {"name": "制度建设专班", "department_id": targets["office_office"].unit_id,
            "lead_id": targets["office_cadre_head"].pk, "member_ids": [targets["office_cadre_a"].pk]}  # fmt: skip


def consultation_body(_world, _targets):
    return {"channel": "phone", "topic": "crop", "question": "小麦发黄", "caller_phone": "13812345678"}


def hotline_assign_body(_world, targets):
    return {"assignee_id": targets["expert_user"].pk}


def demand_body(_world, targets):
    return {
        "enterprise_id": targets["enterprise"].pk,
        "title": "印染废水深度处理",
        "description": "印染废水色度高,需要深度处理与回用技术",
        "industry": "节能环保",
        "keywords": "印染废水、回用",
    }


def opinion_rule_body(_world, targets):
    return {
        "name": "负面热度",
        "kind": "negative_heat",
        "heat_threshold": 30,
        "queue_id": targets["opinion_queue"].pk,
    }


def select_body(_world, targets):
    return {"patent_ids": [targets["other_patent"].pk], "note": "可转化"}


CAMPAIGN_BODY = {"name": "全国科普日2021", "year": 2021, "start_date": "2021-09-01", "end_date": "2021-09-30"}

CALL_BODY = {
    "title": "接口征集",
    "kind": "honour",
    "year": 2020,
    "opens_on": "2020-04-01",
    "closes_on": "2020-04-30",
}
HONOUR_BODY = {
    "kind": "commendation",
    "title": "表现突出科技工作者",
    "level": "city",
    "year": 2020,
    "subject": "张三",
}


# (method, path template[, label]): (path params → target name, body, expected status by persona
# [, query parameters → target name]). A label tells apart two rows of the same endpoint.
def record_body(_world, targets):
    return {
        "volunteer_id": targets["other_volunteer"].pk,
        "activity_id": targets["pending_record"].activity_id,
        "served_on": "2020-09-20",
        "content": "科普宣传",
        "hours": "1.5",
        "source": "team",
    }


def course_body(_world, targets):
    return {"activity_id": targets["training_activity"].pk, "kind": "party", "required_sessions": 1}


MATRIX = {
    ("GET", "/api/v1/core/audit-log"): (
        {}, None, {"city_admin": 200, "county_staff": 403, "society_secretary": 403, "outsider": 200, "anonymous": 401},
    ),
    # Public: the certificate check answers without login (anonymous 200; unknown code 404).
    ("GET", "/api/v1/core/certificates/verify/{code}"): (
        {"code": "certificate_code"}, None, everyone(200) | {"anonymous": 200},
    ),
    ("GET", "/api/v1/core/certificates/verify/{code}", "unknown"): (
        {"code": "unknown_code"}, None, everyone(404) | {"anonymous": 404},
    ),
    ("GET", "/api/v1/core/notifications"): ({}, None, everyone(200)),
    ("POST", "/api/v1/core/notifications/read"): ({}, {"ids": [1]}, everyone(200)),
    ("GET", "/api/v1/accounts/me"): ({}, None, everyone(200)),
    ("GET", "/api/v1/accounts/tokens"): ({}, None, everyone(200)),
    ("POST", "/api/v1/accounts/tokens"): ({}, {"name": "脚本"}, everyone(201)),
    ("DELETE", "/api/v1/accounts/tokens/{token_id}"): (
        {"token_id": "token"}, None,
        {"city_admin": 404, "county_staff": 204, "society_secretary": 404, "outsider": 404, "anonymous": 401},
    ),
    ("GET", "/api/v1/directory/regions"): ({}, None, everyone(200)),
    ("GET", "/api/v1/directory/regions/{region_id}"): ({"region_id": "region"}, None, everyone(200)),
    ("GET", "/api/v1/directory/organisations"): ({}, None, everyone(200)),
    ("POST", "/api/v1/directory/organisations"): ({}, {"name": "新建学校", "kind": "school"}, everyone(201)),
    ("GET", "/api/v1/directory/organisations/{org_id}"): ({"org_id": "school"}, None, in_scope(200)),
    ("PATCH", "/api/v1/directory/organisations/{org_id}"): (
        {"org_id": "school"}, {"address": "任城区二十里铺"}, in_scope(200),
    ),
    ("DELETE", "/api/v1/directory/organisations/{org_id}"): ({"org_id": "school"}, None, in_scope(204)),
    ("PUT", "/api/v1/directory/organisations/{org_id}/years/{year}"): (
        {"org_id": "school", "year": "year"}, {"has_party_organisation": True, "member_count": 30}, in_scope(200),
    ),
    ("POST", "/api/v1/directory/organisations/{org_id}/designations"): (
        {"org_id": "school"}, {"level": "city", "year": 2021}, in_scope(201),
    ),
    ("DELETE", "/api/v1/directory/designations/{designation_id}"): (
        {"designation_id": "designation"}, None, in_scope(204),
    ),
    ("GET", "/api/v1/directory/people"): ({}, None, everyone(200)),
    ("POST", "/api/v1/directory/people"): ({}, {"name": "李四", "phone": "13912345678"}, everyone(201)),
    ("POST", "/api/v1/directory/people/search"): ({}, {"number": "13912345678"}, everyone(200)),
    ("GET", "/api/v1/directory/people/{person_id}"): ({"person_id": "person"}, None, in_scope(200)),
    ("PATCH", "/api/v1/directory/people/{person_id}"): ({"person_id": "person"}, {"title": "教授"}, in_scope(200)),
    ("DELETE", "/api/v1/directory/people/{person_id}"): ({"person_id": "person"}, None, in_scope(204)),
    ("GET", "/api/v1/activities/kinds"): ({}, None, everyone(200)),
    ("GET", "/api/v1/activities/campaigns"): ({}, None, everyone(200)),
    ("POST", "/api/v1/activities/campaigns"): ({}, CAMPAIGN_BODY, everyone(201)),
    ("GET", "/api/v1/activities/campaigns/{campaign_id}"): ({"campaign_id": "campaign"}, None, in_scope(200)),
    ("PATCH", "/api/v1/activities/campaigns/{campaign_id}"): (
        {"campaign_id": "campaign"}, {"description": "全市联动"}, in_scope(200),
    ),
    ("GET", "/api/v1/activities/"): ({}, None, everyone(200)),
    # The organiser (任城区科协) lies outside the society's and 兖州's scope: refused, field named.
    ("POST", "/api/v1/activities/"): ({}, activity_body, in_scope(201) | {"society_secretary": 422, "outsider": 422}),
    ("GET", "/api/v1/activities/{activity_id}"): ({"activity_id": "draft"}, None, in_scope(200)),
    ("PATCH", "/api/v1/activities/{activity_id}"): ({"activity_id": "draft"}, {"participants": 60}, in_scope(200)),
    ("DELETE", "/api/v1/activities/{activity_id}"): ({"activity_id": "draft"}, None, in_scope(204)),
    ("POST", "/api/v1/activities/{activity_id}/submit"): ({"activity_id": "draft"}, None, in_scope(200)),
    ("POST", "/api/v1/activities/{activity_id}/approve"): (
        {"activity_id": "submitted"}, None, in_scope(200) | {"county_staff": 403},
    ),
    ("POST", "/api/v1/activities/{activity_id}/return"): (
        {"activity_id": "submitted"}, {"reason": "参与人数有误"}, in_scope(200) | {"county_staff": 403},
    ),
    # Figures are computed within the caller's scope; narrowed to 任城区科协 (org=) they answer 404
    # outside it.
    ("GET", "/api/v1/reports/indicators"): ({}, None, everyone(200), {"year": "year"}),
    ("GET", "/api/v1/reports/indicators", "org"): (
        {}, None, in_scope(200), {"year": "year", "org": "rencheng"},
    ),
    ("GET", "/api/v1/reports/indicators/{code}/records"): (
        {"code": "indicator"}, None, everyone(200), {"year": "year", "dimension": "county_dimension", "key": "county"},
    ),
    ("GET", "/api/v1/reports/indicators/{code}/records", "org"): (
        {"code": "indicator"}, None, in_scope(200), {"year": "year", "org": "rencheng"},
    ),
    # The office (web matrix office_targets): departments of the city association, so its records
    # are the city's; a task naming the office's department and cadre is refused (422) elsewhere.
    ("GET", "/api/v1/office/tasks"): ({}, None, everyone(200)),
    ("POST", "/api/v1/office/tasks"): (
        {}, office_task_body, {**everyone(422), "city_admin": 201, "anonymous": 401},
    ),
    ("GET", "/api/v1/office/tasks/{task_id}"): ({"task_id": "office_task"}, None, city_only(200)),
    ("POST", "/api/v1/office/tasks/{task_id}/notes"): ({"task_id": "office_task"}, {"text": "已起草"}, city_only(201)),
    ("POST", "/api/v1/office/tasks/{task_id}/complete"): ({"task_id": "office_task"}, {}, city_only(200)),
    ("PUT", "/api/v1/office/tasks/{task_id}"): ({"task_id": "office_task_b"}, office_task_update_body, city_only(200)),
    ("POST", "/api/v1/office/tasks/{task_id}/cancel"): ({"task_id": "office_task_b"}, {"reason": "并入其他任务"}, city_only(200)),
    ("GET", "/api/v1/office/departments"): ({}, None, everyone(200)),
    ("POST", "/api/v1/office/departments"): (
        {}, {"name": "科普部"}, {**everyone(201), "society_secretary": 422, "anonymous": 401},
    ),  # below the actor's own association (the city's, a county's); a society is no association
    ("GET", "/api/v1/office/departments/{department_id}"): (
        {"department_id": "office_office_unit"}, None, city_only(200),
    ),
    ("PUT", "/api/v1/office/departments/{department_id}"): (
        {"department_id": "office_office_unit"}, office_department_body, city_only(200),
    ),
    ("GET", "/api/v1/office/cadres"): ({}, None, everyone(200)),
    ("POST", "/api/v1/office/cadres"): (
        {}, office_cadre_body, {**everyone(422), "city_admin": 201, "anonymous": 401},
    ),
    ("GET", "/api/v1/office/cadres/{cadre_id}"): ({"cadre_id": "office_cadre_a"}, None, city_only(200)),
    ("PUT", "/api/v1/office/cadres/{cadre_id}"): (
        {"cadre_id": "office_cadre_b"}, {"name": "李干部", "position": "二级主任科员"}, city_only(200),
    ),
    ("POST", "/api/v1/office/cadres/{cadre_id}/end"): ({"cadre_id": "office_cadre_c"}, {"reason": "调离"}, city_only(200)),
    ("POST", "/api/v1/office/records/{record_id}/notes"): (
        {"record_id": "office_record_a"}, {"text": "按时完成"}, {**city_only(404), "city_admin": 403},
    ),  # the cadre alone writes their notes: the administrator sees the record but may not write them
    ("GET", "/api/v1/office/cadres/{cadre_id}/assignments"): ({"cadre_id": "office_cadre_a"}, None, city_only(200)),
    ("POST", "/api/v1/office/cadres/{cadre_id}/assignments"): (
        {"cadre_id": "office_cadre_a"}, {"kind": "epidemic", "title": "社区防控", "start_on": "2020-02-01"},
        city_only(201),
    ),  # fmt: skip
    ("GET", "/api/v1/office/task-forces"): ({}, None, everyone(200)),
    ("POST", "/api/v1/office/task-forces"): (
        {}, office_force_body, {**everyone(422), "city_admin": 201, "anonymous": 401},
    ),
    ("GET", "/api/v1/office/task-forces/{force_id}"): ({"force_id": "office_task_force"}, None, city_only(200)),
    ("PUT", "/api/v1/office/task-forces/{force_id}"): (
        {"force_id": "office_task_force"}, office_force_body, city_only(200),
    ),
    ("POST", "/api/v1/office/task-forces/{force_id}/close"): ({"force_id": "office_task_force"}, {}, city_only(200)),
    ("GET", "/api/v1/office/meetings"): ({}, None, everyone(200)),
    ("POST", "/api/v1/office/meetings"): (
        {}, {"kind": "briefing", "title": "碰头会", "held_on": "2020-05-11", "decisions": ["报送材料"]}, everyone(201),
    ),
    ("GET", "/api/v1/office/meetings/{meeting_id}"): ({"meeting_id": "office_meeting"}, None, city_only(200)),
    ("POST", "/api/v1/office/decisions/{decision_id}/task"): (
        {"decision_id": "office_spare_decision"}, office_decision_body, city_only(201),
    ),
    ("GET", "/api/v1/office/records"): ({}, None, everyone(200)),
    ("GET", "/api/v1/office/records/{record_id}"): ({"record_id": "office_record_a"}, None, city_only(200)),
    ("GET", "/api/v1/office/records/{record_id}/docx"): ({"record_id": "office_record_a"}, None, city_only(200)),
    ("GET", "/api/v1/office/rulebook"): ({}, None, everyone(200)),
    ("POST", "/api/v1/office/records/{record_id}/assessment"): (
        {"record_id": "office_record_b"}, {"text": "执行有力"}, city_only(200),
    ),
    ("GET", "/api/v1/office/rules"): ({}, None, everyone(200)),
    ("GET", "/api/v1/office/rules/{rule_id}"): ({"rule_id": "office_rule"}, None, city_only(200)),
    ("POST", "/api/v1/office/rules"): (
        {}, {"title": "公务接待管理办法", "issuing_body": "市科协", "issued_on": "2020-03-01",
             "effective_on": "2020-03-01", "text": "第一条 为规范公务接待……"}, everyone(201),
    ),  # fmt: skip
    ("GET", "/api/v1/office/rules/{rule_id}/versions"): ({"rule_id": "office_rule"}, None, city_only(200)),
    ("POST", "/api/v1/office/rules/{rule_id}/versions"): (
        {"rule_id": "office_rule"}, {"text": "第一条(修订)", "effective_on": "2099-01-01"}, city_only(201),
    ),
    ("POST", "/api/v1/office/rules/{rule_id}/repeal"): (
        {"rule_id": "office_rule"}, {"repealed_on": "2099-01-01"}, city_only(200),
    ),
    # The city's farm line (web matrix hotline_targets): the city sees it by scope, 任城区's staff
    # as pool members; a psychology consultation only its pool (the society's secretary).
    # 宣传与舆情: records of 任城区科协 (web_matrix.opinion_targets). Writes need the edit right
    # (the county's staff, the society's secretary, the admins); informants (anyone) submit.
    ("GET", "/api/v1/opinion/items"): ({}, None, everyone(200)),
    ("GET", "/api/v1/opinion/items/{item_id}"): ({"item_id": "opinion_item"}, None, in_scope(200)),
    ("POST", "/api/v1/opinion/items/{item_id}/correction"): (
        {"item_id": "opinion_item"}, {"sentiment": "negative"}, in_scope(200),
    ),
    ("POST", "/api/v1/opinion/submissions"): ({}, {"text": "有人传播保健品治癌谣言"}, everyone(201)),
    ("GET", "/api/v1/opinion/clusters"): ({}, None, everyone(200)),
    ("GET", "/api/v1/opinion/sources"): ({}, None, everyone(200)),
    ("POST", "/api/v1/opinion/sources"): (
        {}, {"name": "济宁新闻网", "kind": "page", "url": "https://news.example.org/a.html"}, everyone(201),
    ),
    ("PUT", "/api/v1/opinion/sources/{source_id}"): (
        {"source_id": "opinion_source"}, {"name": "济宁新闻网", "kind": "feed", "url": "http://127.0.0.1:9/atom"},
        in_scope(200),
    ),  # fmt: skip
    ("GET", "/api/v1/opinion/clusters/{cluster_id}"): ({"cluster_id": "opinion_cluster"}, None, in_scope(200)),
    ("PUT", "/api/v1/opinion/schemes/{scheme_id}"): (
        {"scheme_id": "opinion_scheme"}, {"name": "科技馆", "subject_words": "科技馆"}, in_scope(200),
    ),
    ("PUT", "/api/v1/opinion/articles/{article_id}"): (
        {"article_id": "opinion_article"}, {"channel": "wechat", "published_on": "2026-11-30", "title": "科普日"},
        in_scope(200),
    ),  # fmt: skip
    ("POST", "/api/v1/opinion/sources/{source_id}/poll"): ({"source_id": "opinion_source"}, None, in_scope(200)),
    ("GET", "/api/v1/opinion/schemes"): ({}, None, everyone(200)),
    ("POST", "/api/v1/opinion/schemes"): ({}, {"name": "科技馆", "subject_words": "科技馆"}, everyone(201)),
    ("POST", "/api/v1/opinion/schemes/preview"): ({}, {"name": "预览", "subject_words": "科技馆"}, everyone(200)),
    ("GET", "/api/v1/opinion/rules"): ({}, None, everyone(200)),
    ("POST", "/api/v1/opinion/rules"): (
        {}, opinion_rule_body, in_scope(201) | {"society_secretary": 422, "outsider": 422},
    ),
    ("PUT", "/api/v1/opinion/rules/{rule_id}"): ({"rule_id": "opinion_rule"}, opinion_rule_body, in_scope(200)),
    ("GET", "/api/v1/opinion/items/{item_id}/debunks"): ({"item_id": "opinion_item"}, None, in_scope(200)),
    ("GET", "/api/v1/opinion/alerts"): ({}, None, everyone(200)),
    ("GET", "/api/v1/opinion/alerts/{alert_id}"): ({"alert_id": "opinion_alert"}, None, in_scope(200)),
    ("GET", "/api/v1/opinion/articles/figures"): ({}, None, everyone(200)),
    ("GET", "/api/v1/opinion/articles/{article_id}"): ({"article_id": "opinion_article"}, None, in_scope(200)),
    ("POST", "/api/v1/opinion/alerts/{alert_id}/handling"): (
        {"alert_id": "opinion_alert"}, {"action": "respond"}, in_scope(200),
    ),
    ("GET", "/api/v1/opinion/briefs/{kind}"): ({"kind": "opinion_brief_kind"}, None, everyone(200)),
    ("GET", "/api/v1/opinion/articles"): ({}, None, everyone(200)),
    ("POST", "/api/v1/opinion/articles"): ({}, {"channel": "wechat", "published_on": "2026-11-30", "title": "科普日"}, everyone(201)),
    ("GET", "/api/v1/hotline/consultations"): ({}, None, everyone(200)),
    ("POST", "/api/v1/hotline/consultations"): ({}, consultation_body, everyone(201)),
    ("GET", "/api/v1/hotline/consultations/{consultation_id}"): (
        {"consultation_id": "consultation"}, None, in_scope(200),
    ),
    ("GET", "/api/v1/hotline/consultations/{consultation_id}", "psychology"): (
        {"consultation_id": "psy_consultation"}, None,
        {"city_admin": 404, "county_staff": 404, "society_secretary": 200, "outsider": 404, "anonymous": 401},
    ),
    ("POST", "/api/v1/hotline/consultations/{consultation_id}/answer"): (
        {"consultation_id": "consultation"}, {"answer": "追施尿素"}, in_scope(200),
    ),
    ("POST", "/api/v1/hotline/consultations/{consultation_id}/rating"): (
        {"consultation_id": "answered"}, {"satisfaction": 5}, in_scope(200),
    ),
    ("GET", "/api/v1/hotline/consultations/{consultation_id}/similar"): (
        {"consultation_id": "consultation"}, None, in_scope(200),
    ),
    # Routing, waiting, call-backs and escalation act on the farm consultation (its pool's members
    # and the editors of its unit's scope); the psychology consultation exists only for its pool.
    ("POST", "/api/v1/hotline/consultations/{consultation_id}/route"): (
        {"consultation_id": "consultation"}, {"topic": "livestock"}, in_scope(200),
    ),
    ("POST", "/api/v1/hotline/consultations/{consultation_id}/route", "psychology"): (
        {"consultation_id": "psy_consultation"}, {"topic": "psychology"},
        {"city_admin": 404, "county_staff": 404, "society_secretary": 200, "outsider": 404, "anonymous": 401},
    ),
    ("POST", "/api/v1/hotline/consultations/{consultation_id}/assignee"): (
        {"consultation_id": "consultation"}, hotline_assign_body, in_scope(200),
    ),
    ("POST", "/api/v1/hotline/consultations/{consultation_id}/waiting"): (
        {"consultation_id": "consultation"}, {"reason": "等来电人发照片"}, in_scope(200),
    ),
    ("POST", "/api/v1/hotline/consultations/{consultation_id}/resumption"): (
        {"consultation_id": "waiting"}, None, in_scope(200),
    ),
    ("POST", "/api/v1/hotline/consultations/{consultation_id}/callbacks"): (
        {"consultation_id": "consultation"}, hotline_assign_body, in_scope(201),
    ),
    ("GET", "/api/v1/hotline/callbacks"): ({}, None, everyone(200)),
    ("POST", "/api/v1/hotline/callbacks/{callback_id}/done"): (
        {"callback_id": "callback"}, {"outcome": "已回电,问题解决"}, in_scope(200),
    ),
    ("POST", "/api/v1/hotline/consultations/{consultation_id}/escalation"): (
        {"consultation_id": "consultation"}, {"start_date": "2020-06-01", "venue": "王庄村麦田"},
        in_scope(201) | {"county_staff": 422},  # a pool member from 任城区 cannot report for the city

    ),
    ("GET", "/api/v1/literacy/surveys"): ({}, None, everyone(200)),
    ("GET", "/api/v1/literacy/surveys/{survey_id}/results"): ({"survey_id": "survey"}, None, in_scope(200)),
    # "demand" is collected only; "published" is open to every logged-in unit; "confidential" is
    # published but confidential (docs/innovation.md). Writes always need the owner's scope.
    ("GET", "/api/v1/innovation/demands"): ({}, None, everyone(200)),
    # The enterprise named in the body lies outside the society's and 兖州区's scope: a field
    # error (services' require_unit_in_scope), as for every reference in a request body.
    ("POST", "/api/v1/innovation/demands"): (
        {}, demand_body, in_scope(201) | {"society_secretary": 422, "outsider": 422},
    ),
    ("GET", "/api/v1/innovation/demands/{demand_id}"): ({"demand_id": "demand"}, None, in_scope(200)),
    ("GET", "/api/v1/innovation/demands/{demand_id}", "published"): (
        {"demand_id": "published"}, None, everyone(200),
    ),
    ("GET", "/api/v1/innovation/demands/{demand_id}", "confidential"): (
        {"demand_id": "confidential"}, None, in_scope(200),
    ),
    ("GET", "/api/v1/innovation/demands/{demand_id}/matches"): ({"demand_id": "demand"}, None, in_scope(200)),
    ("GET", "/api/v1/innovation/demands/{demand_id}/matches", "published"): (
        {"demand_id": "published"}, None, everyone(200),
    ),
    ("POST", "/api/v1/innovation/demands/{demand_id}/{action}"): (
        {"demand_id": "demand", "action": "review"}, {"note": "材料齐全"}, in_scope(200),
    ),
    ("POST", "/api/v1/innovation/demands/{demand_id}/{action}", "published"): (
        {"demand_id": "published", "action": "close"}, {"reason": "企业已自行解决"}, in_scope(200),
    ),
    # An unknown action is a field error for the owner, and the demand stays hidden from the others.
    ("POST", "/api/v1/innovation/demands/{demand_id}/{action}", "unknown"): (
        {"demand_id": "demand", "action": "unknown_action"}, {}, in_scope(422),
    ),
    ("GET", "/api/v1/innovation/experts/{person_id}/demands"): ({"person_id": "expert"}, None, in_scope(200)),
    # Only an enterprise's own users register; none of the personas is one.
    ("POST", "/api/v1/innovation/patents/registration"): (
        {}, None, everyone(422), {"interests": "patent_interests"},
    ),
    # Patents are reference data, not scoped; association staff search without registering.
    ("GET", "/api/v1/innovation/patents/search"): ({}, None, everyone(200), {"q": "patent_interests"}),
    ("GET", "/api/v1/innovation/patents/{patent_id}"): ({"patent_id": "patent"}, None, everyone(200)),
    ("GET", "/api/v1/innovation/selections"): ({}, None, everyone(200)),
    ("POST", "/api/v1/innovation/selections"): ({}, None, everyone(201), {"name": "new_list_name"}),
    ("POST", "/api/v1/innovation/selections/{list_id}/patents"): (
        {"list_id": "selection_list"}, select_body, in_scope(200),
    ),
    ("GET", "/api/v1/innovation/selections/{list_id}/export"): (
        {"list_id": "selection_list"}, None, in_scope(200),
    ),
    # Volunteers and training: records of 任城区科协 (web_matrix.volunteers_targets).
    ("GET", "/api/v1/volunteers/volunteers"): ({}, None, everyone(200)),
    ("GET", "/api/v1/volunteers/volunteers/{volunteer_id}"): ({"volunteer_id": "volunteer"}, None, in_scope(200)),
    ("POST", "/api/v1/volunteers/volunteers/{volunteer_id}/certificate"): (
        {"volunteer_id": "volunteer"}, None, in_scope(201),
    ),
    ("GET", "/api/v1/volunteers/records"): ({}, None, everyone(200)),
    # The volunteer and the activity named in the body are out of the society's and 兖州区's
    # scope: a field error (422), as for every reference in a request body.
    ("POST", "/api/v1/volunteers/records"): ({}, record_body, in_scope(201) | {"society_secretary": 422, "outsider": 422}),
    ("POST", "/api/v1/volunteers/records/{record_id}/{action}"): (
        {"record_id": "pending_record", "action": "approve"}, {}, in_scope(200),
    ),
    ("POST", "/api/v1/volunteers/records/{record_id}/{action}", "decline"): (
        {"record_id": "pending_record", "action": "decline"}, {"reason": "当天未到场"}, in_scope(200),
    ),
    ("GET", "/api/v1/volunteers/hours"): ({}, None, everyone(200)),
    ("GET", "/api/v1/volunteers/courses"): ({}, None, everyone(200)),
    ("GET", "/api/v1/volunteers/courses/{course_id}"): ({"course_id": "course"}, None, in_scope(200)),
    # the activity and trainer named in the body are out of the society's and 兖州区's scope: 422
    ("POST", "/api/v1/volunteers/courses"): (
        {}, course_body, in_scope(201) | {"society_secretary": 422, "outsider": 422},
    ),
    ("PUT", "/api/v1/volunteers/courses/{course_id}"): (
        {"course_id": "course"}, {"required_sessions": 2, "kind": "party"}, in_scope(200),
    ),
    ("POST", "/api/v1/volunteers/courses/{course_id}/enrolments"): (
        {"course_id": "course"}, lambda _w, t: {"person_ids": [t["volunteer"].person_id]}, in_scope(201),
    ),
    ("POST", "/api/v1/volunteers/courses/{course_id}/sessions/{session_id}/attendance"): (
        {"course_id": "course", "session_id": "course_session"},
        lambda _w, t: {"person_ids": [t["trainee"].pk]}, in_scope(200),
    ),
    ("POST", "/api/v1/volunteers/courses/{course_id}/sessions"): (
        {"course_id": "course"},
        {"title": "第二课", "starts_at": "2020-11-05T09:00:00+08:00", "ends_at": "2020-11-05T11:00:00+08:00"},
        in_scope(201),
    ),
    ("POST", "/api/v1/volunteers/courses/{course_id}/enrolments/{enrolment_id}/completion"): (
        {"course_id": "course", "enrolment_id": "enrolment"}, {"completed_on": "2020-11-05"}, in_scope(200),
    ),
    ("POST", "/api/v1/volunteers/volunteers/{volunteer_id}/evaluations"): (
        {"volunteer_id": "volunteer"},
        lambda w, _t: {"unit_id": w.orgs["rencheng"].pk, "year": 2019, "rating": "good", "evaluated_on": "2020-01-10"},
        in_scope(201),
    ),
    ("DELETE", "/api/v1/volunteers/evaluations/{evaluation_id}"): (
        {"evaluation_id": "volunteer_evaluation"}, None, in_scope(204),
    ),
    # The call engine: the targets are a call of 任城区科协 and its entries (web_matrix.calls_targets).
    ("GET", "/api/v1/calls/"): ({}, None, everyone(200)),
    ("POST", "/api/v1/calls/"): ({}, CALL_BODY, everyone(201)),
    ("GET", "/api/v1/calls/{call_id}"): ({"call_id": "call"}, None, in_scope(200)),
    ("POST", "/api/v1/calls/{call_id}/{action}"): ({"call_id": "call", "action": "close"}, None, in_scope(200)),
    ("GET", "/api/v1/calls/{call_id}/entries"): ({"call_id": "call"}, None, in_scope(200)),
    ("POST", "/api/v1/calls/{call_id}/entries"): (
        {"call_id": "call"}, {"title": "接口申报", "answers": {"achievements": "事迹"}}, in_scope(201),
    ),
    ("GET", "/api/v1/calls/entries/{entry_id}"): ({"entry_id": "entry_draft"}, None, in_scope(200)),
    ("POST", "/api/v1/calls/entries/{entry_id}/return"): (
        {"entry_id": "entry_submitted"}, {"reason": "缺少推荐意见"}, in_scope(200),
    ),
    ("POST", "/api/v1/calls/entries/{entry_id}/decide"): (
        {"entry_id": "entry_accepted"}, {"outcome": "award", "votes_for": 5}, in_scope(200),
    ),
    ("POST", "/api/v1/calls/entries/{entry_id}/{action}"): (
        {"entry_id": "entry_draft", "action": "submit"}, {}, in_scope(200),
    ),
    # The path up: 任城区's final competition has no higher contest, so recommending is refused.
    ("GET", "/api/v1/calls/entries/{entry_id}/path"): ({"entry_id": "final_entry"}, None, in_scope(200)),
    ("POST", "/api/v1/calls/entries/{entry_id}/recommend-up"): ({"entry_id": "final_entry"}, None, in_scope(422)),
    ("POST", "/api/v1/calls/entries/{entry_id}/higher-results"): (
        {"entry_id": "final_entry"}, {"result": "省赛一等奖"}, in_scope(422),
    ),
    ("POST", "/api/v1/calls/{call_id}/recommend-up"): ({"call_id": "final_call"}, {}, in_scope(422)),
    # 公示, final results, certificates: the final call is past its notice (422); issuing again adds none.
    ("POST", "/api/v1/calls/{call_id}/notice"): ({"call_id": "final_call"}, {}, in_scope(422)),
    ("POST", "/api/v1/calls/{call_id}/finalise"): ({"call_id": "final_call"}, None, in_scope(422)),
    ("POST", "/api/v1/calls/{call_id}/certificates"): ({"call_id": "final_call"}, None, in_scope(200)),
    ("GET", "/api/v1/calls/{call_id}/objections"): ({"call_id": "notice_call"}, None, in_scope(200)),
    ("POST", "/api/v1/calls/objections/{objection_id}/decide"): (
        {"objection_id": "objection"}, {"upheld": False, "decision": "不成立"}, in_scope(200),
    ),
    ("GET", "/api/v1/calls/entries/{entry_id}/files"): ({"entry_id": "entry_draft"}, None, in_scope(200)),
    # Expert review: a round of 任城区's call whose judge signs in as the society's secretary.
    ("POST", "/api/v1/calls/{call_id}/rounds"): ({"call_id": "call"}, {"name": "复赛"}, in_scope(201)),
    ("GET", "/api/v1/calls/rounds/{round_id}"): ({"round_id": "round"}, None, in_scope(200)),
    ("GET", "/api/v1/calls/rounds/{round_id}/plan"): ({"round_id": "round"}, None, in_scope(200)),
    ("POST", "/api/v1/calls/rounds/{round_id}/judges"): (
        {"round_id": "round"}, {"person_id": 999999, "user_id": 999999}, in_scope(422),
    ),
    ("POST", "/api/v1/calls/rounds/{round_id}/{action}"): (
        {"round_id": "round", "action": "chase"}, None, in_scope(200),
    ),
    ("GET", "/api/v1/calls/judging/assignments"): ({}, None, everyone(200)),
    ("POST", "/api/v1/calls/judging/assignments/{assignment_id}/score"): (
        {"assignment_id": "assignment"}, {"values": {"overall": 80}},
        {"city_admin": 404, "county_staff": 404, "society_secretary": 200, "outsider": 404, "anonymous": 401},
    ),
    # Bases, venues and funds: records of 任城区科协 (web_matrix.bases_targets).
    ("GET", "/api/v1/bases/designations"): ({}, None, everyone(200)),
    ("GET", "/api/v1/bases/designations/{designation_id}"): ({"designation_id": "base_designation"}, None, in_scope(200)),
    ("POST", "/api/v1/bases/designations/{designation_id}/assessments"): (
        {"designation_id": "base_designation"}, {"year": 2020, "open_days": 260, "visitors": 20000}, in_scope(201),
    ),
    ("POST", "/api/v1/bases/assessments/{assessment_id}/decide"): (
        {"assessment_id": "base_assessment"}, {}, in_scope(200),
    ),
    ("POST", "/api/v1/bases/designations/{designation_id}/revoke"): (
        {"designation_id": "base_designation"}, {"reason": "年度考核不合格"}, in_scope(200),
    ),
    ("GET", "/api/v1/bases/venues"): ({}, None, everyone(200)),
    ("GET", "/api/v1/bases/venues/{venue_id}"): ({"venue_id": "venue"}, None, in_scope(200), {"year": "year"}),
    ("POST", "/api/v1/bases/venues/{venue_id}/visitors"): (
        {"venue_id": "venue"}, {"month": "2020-10-01", "visitors": 2100}, in_scope(200),
    ),
    ("GET", "/api/v1/bases/system"): ({}, None, everyone(200), {"year": "year"}),
    ("GET", "/api/v1/funds/programmes"): ({}, None, everyone(200)),
    ("GET", "/api/v1/funds/projects"): ({}, None, everyone(200)),
    ("GET", "/api/v1/funds/projects/{project_id}"): ({"project_id": "funded_project"}, None, in_scope(200)),
    ("POST", "/api/v1/funds/projects/{project_id}/reports"): (
        {"project_id": "funded_project"}, {"kind": "milestone", "period_end": "2020-10-31", "text": "进展"}, in_scope(201),
    ),
    ("POST", "/api/v1/funds/reports/{report_id}/accept"): ({"report_id": "project_report"}, None, in_scope(200)),
    ("POST", "/api/v1/funds/tranches/{tranche_id}/payments"): ({"tranche_id": "tranche"}, {"amount_fen": 100}, in_scope(201)),
    ("POST", "/api/v1/funds/projects/{project_id}/acceptance"): (
        {"project_id": "funded_project"}, {"result": "passed"}, in_scope(200),
    ),
    # Statistical reports: the 2020 report of 任城区科协 (web_matrix.stats_targets); submitting it
    # while its hand cells are empty fails the rules (422) for those who see it.
    ("GET", "/api/v1/stats/reports"): ({}, None, everyone(200)),
    ("GET", "/api/v1/stats/reports/{report_id}"): ({"report_id": "stats_report"}, None, in_scope(200)),
    ("GET", "/api/v1/stats/reports/{report_id}/checks"): ({"report_id": "stats_report"}, None, in_scope(200)),
    ("PATCH", "/api/v1/stats/reports/{report_id}/cells"): (
        {"report_id": "stats_report"}, {"cells": [{"table": "AK表1-1", "code": "08-1", "value": "3"}]}, in_scope(200),
    ),
    ("POST", "/api/v1/stats/reports/{report_id}/{action}"): (
        {"report_id": "stats_report", "action": "stats_submit"}, {}, in_scope(422),
    ),
    ("GET", "/api/v1/bases/rounds"): ({}, None, everyone(200)),
    ("POST", "/api/v1/bases/rounds"): ({}, {
        "title": "2021年命名", "year": 2021, "opens_on": "2021-03-01", "closes_on": "2021-04-30", "batch": "第六批",
        "valid_from": "2021-07-01", "valid_to": "2025-12-31", "open_now": False}, everyone(201)),  # fmt: skip
    ("POST", "/api/v1/bases/rounds/{round_id}/applications"): (  # the round's call is final: no more entries
        {"round_id": "naming_round"},
        lambda world, found: {"base_id": found["base_designation"].designation.organisation_id}, in_scope(422),
    ),
    ("POST", "/api/v1/bases/rounds/{round_id}/land"): ({"round_id": "naming_round"}, None, in_scope(200)),
    ("POST", "/api/v1/bases/designations/{designation_id}/renew"): (
        {"designation_id": "base_designation"}, {"valid_to": "2030-12-31"}, in_scope(200),
    ),
    ("POST", "/api/v1/bases/venues"): (
        {}, lambda world, found: {"name": "新场馆", "kind": "special", "region_id": world.regions["370811"].pk},
        everyone(201),
    ),
    ("PUT", "/api/v1/bases/venues/{venue_id}"): (
        {"venue_id": "venue"},
        lambda world, found: {"name": "任城区科技馆", "kind": "special", "region_id": world.regions["370811"].pk},
        in_scope(200),
    ),
    ("POST", "/api/v1/funds/programmes"): ({}, {
        "name": "新计划", "kind": "other", "direction": "given", "year": 2020, "budget_fen": 100}, everyone(201)),  # fmt: skip
    ("POST", "/api/v1/funds/programmes/{programme_id}/projects"): (
        {"programme_id": "programme"},
        lambda world, found: {"title": "新项目", "undertaker_id": world.orgs["school"].pk,
                              "budget_lines": [{"item": "展板", "amount_fen": 100}]}, in_scope(201),
    ),  # fmt: skip
    ("POST", "/api/v1/funds/programmes/{programme_id}/approve"): ({"programme_id": "programme"}, None, in_scope(422)),
    ("POST", "/api/v1/funds/projects/{project_id}/approve"): ({"project_id": "funded_project"}, {}, in_scope(422)),
    ("POST", "/api/v1/funds/projects/{project_id}/reject"): ({"project_id": "funded_project"}, None, in_scope(422)),
    ("POST", "/api/v1/funds/projects/{project_id}/agreement"): (
        {"project_id": "funded_project"}, {"agreement_no": "X-2", "tranches": [{"amount_fen": 1_000_000, "condition": "none"}]},
        in_scope(422),
    ),  # fmt: skip
    ("POST", "/api/v1/funds/projects/{project_id}/close"): ({"project_id": "funded_project"}, {}, in_scope(422)),
    ("POST", "/api/v1/funds/projects/{project_id}/conflicts"): (
        {"project_id": "funded_project"}, {"name": "王评审", "relation": "同事"}, in_scope(201),
    ),
    ("GET", "/api/v1/honours/"): ({}, None, everyone(200)),
    ("POST", "/api/v1/honours/"): ({}, HONOUR_BODY, everyone(201)),
    # Societies: records of 济宁市心理学会 (web_matrix.societies_targets): the city and the society
    # see them, the counties do not; reviewing and scoring need the review right (403 for the secretary).
    ("GET", "/api/v1/societies/reports"): ({}, None, everyone(200)),
    ("POST", "/api/v1/societies/organisations/{org_id}/reports/{year}"): (
        {"org_id": "society_org", "year": "society_year"}, None, SOCIETY_SCOPE,
    ),
    ("GET", "/api/v1/societies/reports/{report_id}"): ({"report_id": "society_report"}, None, SOCIETY_SCOPE),
    ("PATCH", "/api/v1/societies/reports/{report_id}"): (
        {"report_id": "society_draft"}, {"compliance": "遵守章程", "income": "1200.00"}, SOCIETY_SCOPE,
    ),
    ("POST", "/api/v1/societies/reports/{report_id}/{action}"): (
        {"report_id": "society_draft", "action": "submit"}, {}, SOCIETY_SCOPE,
    ),
    ("POST", "/api/v1/societies/reports/{report_id}/{action}", "accept"): (
        {"report_id": "society_report", "action": "accept"}, {}, SOCIETY_SCOPE | {"society_secretary": 403},
    ),
    ("GET", "/api/v1/societies/rectifications"): ({}, None, everyone(200)),
    ("GET", "/api/v1/societies/terms"): ({}, None, everyone(200)),
    ("GET", "/api/v1/societies/evaluations"): ({}, None, everyone(200)),
    ("GET", "/api/v1/societies/evaluations/{evaluation_id}"): (
        {"evaluation_id": "society_evaluation"}, None, SOCIETY_SCOPE,
    ),
    ("POST", "/api/v1/societies/evaluations/{evaluation_id}/scores"): (
        {"evaluation_id": "society_evaluation"}, {"item_code": "A1", "score": 50, "evidence": "现场核查"},
        {"city_admin": 201, "county_staff": 404, "society_secretary": 403, "outsider": 404, "anonymous": 401},
    ),
    ("GET", "/api/v1/societies/grassroots"): ({}, None, everyone(200)),
    ("GET", "/api/v1/societies/reports/{report_id}", "county"): (
        {"report_id": "society_county_report"}, None, in_scope(200),
    ),
    ("GET", "/api/v1/societies/organisations/{org_id}/officers"): ({"org_id": "society_org"}, None, SOCIETY_SCOPE),
    # Officers between congresses: the society's own (the county's staff do not see it); foundings
    # (党建前置) are prepared by any editor under their own unit, completed by the supervisor (the city).
    ("POST", "/api/v1/societies/organisations/{org_id}/officers"): (
        {"org_id": "society_org"}, society_officer_body, {**SOCIETY_SCOPE, "city_admin": 201, "society_secretary": 201},
    ),
    ("POST", "/api/v1/societies/organisations/{org_id}/officers/{position_id}/end"): (
        {"org_id": "society_org", "position_id": "society_officer"}, {"ends_on": "2020-12-31"}, SOCIETY_SCOPE,
    ),
    ("GET", "/api/v1/societies/foundings"): ({}, None, everyone(200)),
    ("POST", "/api/v1/societies/foundings"): (
        {}, {"name": "济宁市新能源学会", "kind": "society", "party_plan": "joint", "joint_branch": "联合党支部"},
        everyone(201),
    ),
    ("POST", "/api/v1/societies/foundings/{founding_id}/complete"): (
        {"founding_id": "society_founding"}, {"founded_on": "2020-07-01"},
        {"city_admin": 200, "county_staff": 404, "society_secretary": 404, "outsider": 404, "anonymous": 401},
    ),
    ("GET", "/api/v1/societies/export/{kind}"): ({"kind": "society_export_kind"}, None, everyone(200)),
    # Orders, terms, schemes and evaluations (issue 15): a supervising unit orders and evaluates
    # (the society's own staff 403); the society records its terms and follow-ups.
    ("POST", "/api/v1/societies/organisations/{org_id}/rectifications"): (
        {"org_id": "society_org"}, {"reasons": "未按期年检", "required_evidence": "整改报告", "deadline": "2099-12-31"},
        {**SOCIETY_SCOPE, "city_admin": 201, "society_secretary": 403},
    ),
    ("GET", "/api/v1/societies/rectifications/{rectification_id}"): (
        {"rectification_id": "society_rectification"}, None, SOCIETY_SCOPE,
    ),
    ("POST", "/api/v1/societies/rectifications/{rectification_id}/follow-ups"): (
        {"rectification_id": "society_rectification"}, {"note": "已提交整改报告"},
        {**SOCIETY_SCOPE, "city_admin": 201, "society_secretary": 201},
    ),
    ("POST", "/api/v1/societies/rectifications/{rectification_id}/decision"): (
        {"rectification_id": "society_rectification"}, {"outcome": "closed", "note": "整改到位"},
        {**SOCIETY_SCOPE, "society_secretary": 403},
    ),
    ("POST", "/api/v1/societies/organisations/{org_id}/terms"): (
        {"org_id": "society_org"}, {"starts_on": "2021-05-01"},
        {**SOCIETY_SCOPE, "city_admin": 201, "society_secretary": 201},
    ),
    ("POST", "/api/v1/societies/terms/{term_id}/congress"): (
        {"term_id": "society_term"}, {"congress_on": "2021-04-20"}, SOCIETY_SCOPE,
    ),
    ("GET", "/api/v1/societies/schemes"): ({}, None, everyone(200)),
    ("POST", "/api/v1/societies/schemes"): (
        {}, society_scheme_body, {**everyone(201), "society_secretary": 403, "anonymous": 401},
    ),
    ("POST", "/api/v1/societies/organisations/{org_id}/evaluations"): (
        {"org_id": "society_org"}, society_evaluation_body, {**SOCIETY_SCOPE, "city_admin": 201, "society_secretary": 403},
    ),
    ("POST", "/api/v1/societies/evaluations/{evaluation_id}/finish"): (
        {"evaluation_id": "society_evaluation"}, None, {**SOCIETY_SCOPE, "city_admin": 422, "society_secretary": 403},
    ),
}  # fmt: skip


@pytest.fixture
def targets(world, make_activity, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staff = world.users["county_staff"]
    school = world.orgs["school"]
    submitted = make_activity(title="已上报的活动")
    activity_submit(actor=staff, activity=submitted)
    campaign = campaign_create(
        actor=staff,
        data={
            "name": "任城区科普周",
            "year": 2020,
            "start_date": dt.date(2020, 5, 1),
            "end_date": dt.date(2020, 5, 7),
        },
    )
    token, _key = api_token_create(actor=staff, user=staff, name="任城区脚本")
    return {
        "draft": make_activity(title="草稿活动"),
        "submitted": submitted,
        "campaign": campaign,
        "person": person_create(actor=staff, data={"name": "张三", "phone": "13800138000"}),
        "school": school,
        "designation": designation_create(
            actor=staff, data={"organisation": school, "level": "city", "year": 2020}
        ),
        "token": token,
        "region": world.regions["370811"],
        "year": 2020,
        "rencheng": world.orgs["rencheng"],
        "indicator": "activities.by_county",
        "county_dimension": "county",
        "county": "370811",
        "patent_interests": "污水处理",
        "new_list_name": "接口遴选清单",
        "unknown_action": "frobnicate",
        "certificate_code": display_code(
            certificate_issue(
                actor=staff, kind="honour", holder_name="张小明", title="优秀志愿者", unit=staff.unit
            ).code
        ),
        "unknown_code": "ZZZZ-ZZZZ-ZZZZ",
    }


@pytest.fixture
def literacy_targets(world):
    return web_matrix.literacy_targets(world)


@pytest.fixture
def volunteers_targets(world):
    return web_matrix.volunteers_targets(world)


@pytest.fixture
def innovation_targets(world, targets):  # after targets, which sets MEDIA_ROOT
    with web_matrix.fresh_innovation_indexes():
        yield web_matrix.innovation_targets(world)


@pytest.fixture
def calls_targets(world):
    return web_matrix.calls_targets(world)


@pytest.fixture
def societies_targets(world):
    return web_matrix.societies_targets(world)


# The records each app's rows act on, beyond `targets`. Reports count every app's records.
@pytest.fixture
def hotline_targets(world):
    return web_matrix.hotline_targets(world)


@pytest.fixture
def opinion_targets(world):
    return web_matrix.opinion_targets(world)


@pytest.fixture
def office_targets(world):
    targets = web_matrix.office_targets(world)
    return {**targets, "office_office_unit": targets["office_office"].unit}  # a department by its unit's id


@pytest.fixture
def bases_targets(world):
    return web_matrix.bases_targets(world)


@pytest.fixture
def stats_targets(world):
    return web_matrix.stats_targets(world)


APP_TARGETS = {
    "stats": ("stats_targets",),
    "office": ("office_targets",),
    "bases": ("bases_targets",),
    "funds": ("bases_targets",),
    "hotline": ("hotline_targets",),
    "opinion": ("opinion_targets",),
    "literacy": ("literacy_targets",),
    "volunteers": ("volunteers_targets",),
    "innovation": ("innovation_targets",),
    "reports": ("literacy_targets", "innovation_targets"),
    "calls": ("calls_targets",),
    "societies": ("societies_targets",),
}


def _targets_for(path: str, request, targets) -> dict:
    found = dict(targets)
    for fixture in APP_TARGETS.get(path.split("/")[3], ()):
        found.update(request.getfixturevalue(fixture))
    return found


def _value(target):
    return getattr(target, "pk", target)


def _call(client, method, url, body):
    kwargs = {"content_type": "application/json", "data": body} if body is not None else {}
    return getattr(client, method.lower())(url, **kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "endpoint", sorted(MATRIX), ids=lambda e: " ".join(e[:2]) + "".join(f"[{x}]" for x in e[2:])
)
def test_api_permission_matrix(client, world, targets, endpoint, persona, request):
    method, template = endpoint[:2]
    params, body, expected, *rest = MATRIX[endpoint]
    found = _targets_for(template, request, targets)
    url = template.format(**{name: _value(found[key]) for name, key in params.items()})
    if rest:
        url += "?" + urlencode({name: _value(found[key]) for name, key in rest[0].items()})
    if callable(body):
        body = body(world, found)
    if persona != "anonymous":
        client.force_login(world.users[persona])
    response = _call(client, method, url, body)
    assert response.status_code == expected[persona], response.content.decode()
    if response.status_code in (401, 403, 404):
        assert isinstance(response.json()["detail"], str)


def _published() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_matrix_covers_every_endpoint():
    published, listed = _published(), {endpoint[:2] for endpoint in MATRIX}
    missing, stale = published - listed, listed - published
    assert not missing, f"API endpoints missing from the permission matrix: {sorted(missing)}"
    assert not stale, f"matrix rows for endpoints that no longer exist: {sorted(stale)}"


def test_matrix_rows_name_every_persona():
    for endpoint, (_params, _body, expected, *_query) in MATRIX.items():
        assert set(expected) == set(PERSONAS), endpoint
