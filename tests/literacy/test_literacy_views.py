"""Pages of the literacy survey: scoped (outsider 404), results with CIs, xlsx, the mobile form."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from kexie.literacy import services
from kexie.literacy.demo import build_demo_survey
from kexie.literacy.models import Response


@pytest.fixture
def demo(world):
    return build_demo_survey(actor=world.users["city_admin"], unit=world.orgs["city"])


@pytest.fixture
def county_survey(world):
    staff = world.users["county_staff"]
    survey = services.survey_create(actor=staff, data={"name": "任城区调查", "year": 2020})
    services.questionnaire_load_sample(actor=staff, survey=survey, counties=["任城区"])
    return survey


def get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


STAFF_PAGES = [
    "survey_detail",
    "questionnaire",
    "responses",
    "responses_import",
    "margins",
    "results",
    "results_xlsx",
]


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_outsider_gets_404_on_every_page_of_a_survey_outside_scope(client, personas, county_survey, page):
    assert get(client, personas["outsider"], f"literacy:{page}", county_survey.pk).status_code == 404
    assert get(client, personas["society_secretary"], f"literacy:{page}", county_survey.pk).status_code == 404


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_owner_and_the_city_see_every_page(client, personas, county_survey, page):
    assert get(client, personas["county_staff"], f"literacy:{page}", county_survey.pk).status_code == 200
    assert get(client, personas["city_admin"], f"literacy:{page}", county_survey.pk).status_code == 200


def test_anonymous_is_sent_to_login(client, county_survey):
    response = client.get(reverse("literacy:results", args=[county_survey.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_survey_list_shows_only_surveys_in_scope(client, personas, county_survey, demo):
    body = get(client, personas["county_staff"], "literacy:survey_list").content.decode()
    assert "任城区调查" in body and demo.name not in body
    body = get(client, personas["city_admin"], "literacy:survey_list").content.decode()
    assert "任城区调查" in body and demo.name in body


def test_results_page_shows_share_by_county_with_cis(client, personas, demo):
    body = get(client, personas["city_admin"], "literacy:results", demo.pk).content.decode()
    results = demo.__class__.objects.get(pk=demo.pk).results
    overall = results["overall"]
    assert f"{overall['share'] * 100:.2f}%" in body
    assert f"{overall['ci_low'] * 100:.2f}%–{overall['ci_high'] * 100:.2f}%" in body
    for row in results["by_domain"]["county"]:
        assert row["level"] in body
        assert f"{row['ci_low'] * 100:.1f}–{row['ci_high'] * 100:.1f}" in body
    assert "已按人口普查边际加权" in body


def test_xlsx_download_holds_every_table(client, personas, demo):
    response = get(client, personas["city_admin"], "literacy:results_xlsx", demo.pk)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "总体",
        "分县市区",
        "分性别",
        "分年龄段",
        "分文化程度",
        "分城乡",
        "样本情况",
        "分县市区样本",
        "加权校准",
    ]
    counties = [row for row in book["分县市区"].iter_rows(min_row=4, values_only=True)]
    assert len(counties) == 6 and all(r[2] == 80 for r in counties)
    assert all(r[5] <= r[3] <= r[6] for r in counties)
    status = {r[0]: r[1] for r in book["样本情况"].iter_rows(min_row=4, values_only=True)}
    assert status == {"有效": 480, "不完整": 2, "重复": 2, "超出范围": 2, "合计": 486}
    weights = list(book["加权校准"].iter_rows(min_row=2, values_only=True))
    assert all(abs(r[2] - r[3]) < 1 for r in weights)


def test_responses_page_counts_flags_and_filters(client, personas, demo):
    body = get(client, personas["city_admin"], "literacy:responses", demo.pk).content.decode()
    assert 'data-status="duplicate">2<' in body and 'data-status="valid">480<' in body
    client.force_login(personas["city_admin"])
    body = client.get(
        reverse("literacy:responses", args=[demo.pk]), {"status": "out_of_range"}
    ).content.decode()
    assert "年龄 16 不在调查对象范围" in body and "年龄 74" in body


def test_import_page_imports_a_csv_and_shows_the_summary(client, personas, county_survey):
    questions = list(county_survey.questions.order_by("order"))
    header = ",".join(q.code for q in questions)
    good = ["A", "B", "35", "C", "A", "A"] + ["A"] * 24
    short = list(good)
    short[8] = ""
    csv_text = "\n".join([header, ",".join(good), ",".join(short)]) + "\n"
    upload = io.BytesIO(csv_text.encode())
    upload.name = "answers.csv"
    client.force_login(personas["county_staff"])
    response = client.post(reverse("literacy:responses_import", args=[county_survey.pk]), {"file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "已从“answers.csv”导入 2 份答卷" in body
    assert Response.objects.filter(survey=county_survey).count() == 2
    assert Response.objects.filter(survey=county_survey, status="incomplete").count() == 1


def test_margins_can_be_pasted(client, personas, county_survey):
    client.force_login(personas["county_staff"])
    text = "任城区\t男\t18-29岁\t城镇\t1200\n任城区\t女\t18-29岁\t农村\t900"
    response = client.post(reverse("literacy:margins", args=[county_survey.pk]), {"text": text})
    assert response.status_code == 302
    assert county_survey.margins.count() == 2
    response = client.post(
        reverse("literacy:margins", args=[county_survey.pk]), {"text": "任城区,男,18-29岁,城镇,abc"}
    )
    assert "第 2 行“人口数”" in response.content.decode()
    assert county_survey.margins.count() == 2


def test_interviewer_qr_codes(client, personas, county_survey):
    interviewer = services.interviewer_create(
        actor=personas["county_staff"], survey=county_survey, name="王调查"
    )
    client.force_login(personas["county_staff"])
    svg = client.get(reverse("literacy:interviewer_qr", args=[county_survey.pk, interviewer.pk, "svg"]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    png = client.get(reverse("literacy:interviewer_qr", args=[county_survey.pk, interviewer.pk, "png"]))
    assert png.content.startswith(b"\x89PNG")
    client.force_login(personas["outsider"])
    assert (
        client.get(
            reverse("literacy:interviewer_qr", args=[county_survey.pk, interviewer.pk, "svg"])
        ).status_code
        == 404
    )


def test_mobile_form_one_question_per_screen_without_login(client, personas, county_survey):
    interviewer = services.interviewer_create(
        actor=personas["county_staff"], survey=county_survey, name="王调查"
    )
    token = interviewer.token
    start = client.get(reverse("literacy:form_start", args=[token]))
    assert start.status_code == 200 and "开始作答" in start.content.decode()
    client.post(reverse("literacy:form_start", args=[token]))
    questions = list(county_survey.questions.order_by("order"))
    for step, question in enumerate(questions, start=1):
        url = reverse("literacy:form_step", args=[token, step])
        page = client.get(url).content.decode()
        assert f"第 {step} 题 / 共 {len(questions)} 题" in page and "progress-bar" in page
        if question.kind == "number":
            bad = client.post(url, {"answer": "80"})
            assert "18-69 岁" in bad.content.decode()
            answer = {"answer": "41"}
        elif question.kind == "multiple":
            answer = {"answer": question.answer}
        else:
            answer = {"answer": question.answer[0] if question.answer else question.option_keys[0]}
        response = client.post(url, answer)
        assert response.status_code == 302
    assert response["Location"] == reverse("literacy:form_done", args=[token])
    saved = Response.objects.get(survey=county_survey)
    assert saved.status == "valid" and saved.score == 100 and saved.interviewer == interviewer
    assert (saved.county, saved.age, saved.source) == ("任城区", 41, "web")


def test_unknown_or_inactive_token_is_404(client, personas, county_survey):
    assert client.get(reverse("literacy:form_start", args=["nope"])).status_code == 404
    interviewer = services.interviewer_create(
        actor=personas["county_staff"], survey=county_survey, name="停用"
    )
    interviewer.is_active = False
    interviewer.save()
    assert client.get(reverse("literacy:form_step", args=[interviewer.token, 1])).status_code == 404


def test_new_user_flow_create_survey_and_load_questionnaire(client, personas):
    client.force_login(personas["county_staff"])
    response = client.post(reverse("literacy:survey_list"), {
        "name": "新调查", "year": 2021, "literate_threshold": 70, "min_age": 18, "max_age": 69,
    })  # fmt: skip
    assert response.status_code == 302
    survey_url = response["Location"]
    pk = int(survey_url.rstrip("/").split("/")[-1])
    client.post(reverse("literacy:questionnaire_load", args=[pk]), {"counties": "任城区、兖州区"})
    body = client.get(reverse("literacy:questionnaire", args=[pk])).content.decode()
    assert "地球绕地轴自西向东自转" in body and "兖州区" in body
