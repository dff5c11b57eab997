"""Load the demo city into the database: deterministic (fixed seed), bulk-created, a few seconds.

`load_demo()` returns the `DemoContext` (regions, organisations, users, kinds, campaigns)
that each module's `kexie.<app>.demo.load(context)` receives to add its own records.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kexie.accounts.models import User
from kexie.accounts.roles import Role
from kexie.activities.kinds import load_default_kinds
from kexie.activities.models import Activity, ActivityKind, Campaign, Status
from kexie.core import audit
from kexie.core.validators import USCC_ALPHABET, id_number_check_char, uscc_check_char
from kexie.demo import data as D
from kexie.directory.models import Designation, Organisation, OrganisationYear, Person, Region

SEED = 20201231
YEARS = (2019, 2020)


@dataclass
class DemoContext:
    """What the core demo created, for the modules' demo loaders."""

    regions: dict[str, Region]
    orgs: dict[str, list[Organisation]]
    users: dict[str, User]
    kinds: dict[str, ActivityKind]
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    years: tuple[int, ...] = YEARS
    password: str = D.DEMO_PASSWORD

    @property
    def city(self) -> Organisation:
        return self.orgs["city"][0]

    def county_association(self, code: str) -> Organisation:
        return next(o for o in self.orgs["counties"] if o.region.code == code)


def is_loaded() -> bool:
    return (
        User.objects.filter(username=D.ADMIN_USERNAME).exists()
        and Organisation.objects.filter(name=D.CITY_ASSOCIATION).exists()
    )


@transaction.atomic
def load_demo() -> DemoContext:
    rng = random.Random(SEED)
    load_default_kinds(ActivityKind)
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    regions = _regions()
    orgs = _organisations(regions, rng)
    users = _users(orgs)
    ctx = DemoContext(regions=regions, orgs=orgs, users=users, kinds=kinds)
    _people(ctx, rng)
    _years_and_designations(ctx, rng)
    ctx.campaigns = _campaigns(ctx)
    _activities(ctx, rng)
    audit.log(actor=None, action="kexie.demo.loaded", obj=ctx.city, note="演示数据")
    return ctx


# Regions -----------------------------------------------------------------------------------


def _regions() -> dict[str, Region]:
    province = Region.objects.create(code=D.PROVINCE[0], name=D.PROVINCE[1], level="province")
    city = Region.objects.create(code=D.CITY[0], name=D.CITY[1], level="city", parent=province)
    counties = Region.objects.bulk_create(
        [Region(code=code, name=name, level="county", parent=city) for code, name, _, _ in D.COUNTIES]
    )
    towns = [
        Region(code=f"{code}{i + 1:03d}", name=town, level="town", parent=county)
        for county, (code, _, _, names) in zip(counties, D.COUNTIES, strict=True)
        for i, town in enumerate(names)
    ]
    Region.objects.bulk_create(towns)
    return {r.code: r for r in [province, city, *counties, *towns]}


# Organisations ----------------------------------------------------------------------------


def _uscc(rng: random.Random, county_code: str, valid: bool = True) -> str:
    body = "".join(rng.choice(USCC_ALPHABET[:10] + "ABCDEFGH") for _ in range(9))
    first17 = f"91{county_code}{body}"
    check = uscc_check_char(first17)
    if not valid:
        check = USCC_ALPHABET[(USCC_ALPHABET.index(check) + 7) % 31]
    return first17 + check


def _create_level(rows: list[Organisation]) -> list[Organisation]:
    created = Organisation.objects.bulk_create(rows)
    for org in created:
        org.path = org.compute_path()
    Organisation.objects.bulk_update(created, ["path"])
    return created


def _org(name, kind, parent, region, **extra) -> Organisation:
    return Organisation(name=name, kind=kind, parent=parent, region=region, **extra)


def _organisations(regions: dict[str, Region], rng: random.Random) -> dict[str, list[Organisation]]:
    city_region = regions[D.CITY[0]]
    city = _create_level(
        [
            _org(
                D.CITY_ASSOCIATION,
                "association",
                None,
                city_region,
                association_level="city",
                short_name="市科协",
            )
        ]
    )[0]
    first = [
        _org(
            f"{name}科学技术协会",
            "association",
            city,
            regions[code],
            association_level="county",
            short_name=f"{name}科协",
        )
        for code, name, _, _ in D.COUNTIES
    ]
    first += [_org(name, "society", city, city_region) for name, _ in D.SOCIETIES]
    first += [_org(name, "government_department", city, city_region) for name in D.DEPARTMENTS]
    first += [_org(name, "media", city, city_region) for name in D.MEDIA]
    first += [_org(name, "university", city, city_region) for name in D.UNIVERSITIES]
    first += [_org(name, "outreach_base", city, city_region) for name in D.CITY_BASES]
    first += [_org(D.VOLUNTEER_TEAM, "other", city, city_region, short_name="科普志愿服务队")]
    first = _create_level(first)
    by_kind = _group(first)
    counties = by_kind["association"]
    second = []
    for county, (code, name, _, towns) in zip(counties, D.COUNTIES, strict=True):
        second += [
            _org(
                f"{name}{town}科学技术协会",
                "association",
                county,
                regions[f"{code}{i + 1:03d}"],
                association_level="town",
            )
            for i, town in enumerate(towns)
        ]
        second += [
            _org(f"{name}{suffix}", "outreach_base", county, regions[code]) for suffix in D.BASE_SUFFIXES[:4]
        ]
        second += [
            _org(f"{name}{product}专业技术协会", "rural_tech_association", county, regions[code])
            for product in D.RURAL_PRODUCTS[code]
        ]
    county_of = {c.region.code: c for c in counties}
    second += [_org(n, "school", county_of[c], regions[c]) for n, c in D.SCHOOLS]
    second += [_org(n, "hospital", county_of[c], regions[c]) for n, c in D.HOSPITALS]
    for i, stem in enumerate(D.ENTERPRISE_STEMS):
        code = D.COUNTIES[i % len(D.COUNTIES)][0]
        second.append(
            _org(f"济宁{stem}有限公司", "enterprise", county_of[code], regions[code], uscc=_uscc(rng, code))
        )
    second.append(
        _org(D.PILOT_USCC_ENTERPRISE, "enterprise", city, city_region, uscc=_uscc(rng, "370800", valid=False),
             uscc_checksum_ok=False, note="早期试点代码,校验位不符")
    )  # fmt: skip
    second = _create_level(second)
    groups = _group(second)
    return {
        "city": [city],
        "counties": counties,
        "towns": groups["association"],
        "societies": by_kind["society"],
        "departments": by_kind["government_department"],
        "media": by_kind["media"],
        "universities": by_kind["university"],
        "bases": by_kind["outreach_base"] + groups["outreach_base"],
        "volunteer_teams": by_kind["other"],
        "rural_tech_associations": groups["rural_tech_association"],
        "schools": groups["school"],
        "hospitals": groups["hospital"],
        "enterprises": groups["enterprise"],
    }


def _group(orgs: list[Organisation]) -> dict[str, list[Organisation]]:
    groups: dict[str, list[Organisation]] = {}
    for org in orgs:
        groups.setdefault(org.kind, []).append(org)
    return groups


# Users -------------------------------------------------------------------------------------


def _users(orgs) -> dict[str, User]:
    hashed = make_password(D.DEMO_PASSWORD)  # hash once: PBKDF2 per user would take seconds

    def user(username, unit, roles, name):
        return User(
            username=username, unit=unit, roles=[str(r) for r in roles], display_name=name, password=hashed
        )

    rows = [user(D.ADMIN_USERNAME, orgs["city"][0], [Role.ADMIN], "市科协管理员")]
    rows += [
        user(pinyin, county, [Role.EDITOR, Role.REVIEWER], f"{name}科协")
        for county, (_, name, pinyin, _) in zip(orgs["counties"], D.COUNTIES, strict=True)
    ]
    rows.append(user("xinlixuehui", orgs["societies"][0], [Role.EDITOR], "心理学会秘书长"))
    rows.append(user("viewer", orgs["city"][0], [Role.VIEWER], "市科协查看"))
    return {u.username: u for u in User.objects.bulk_create(rows)}


# People ------------------------------------------------------------------------------------


def _id_number(rng: random.Random, county_code: str, birth: dt.date, seq: int) -> str:
    first17 = f"{county_code}{birth:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_number_check_char(first17)


def _people(ctx: DemoContext, rng: random.Random) -> None:
    units = ctx.orgs["counties"] + ctx.orgs["societies"] + ctx.orgs["hospitals"] + ctx.orgs["schools"]
    disciplines = [code for _, code in D.SOCIETIES]
    rows = []
    for i in range(600):
        unit = units[i % len(units)]
        county_code = unit.region.code if unit.region.level == "county" else rng.choice(D.COUNTIES)[0]
        birth = dt.date(1955, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
        gender = rng.choice("MF")
        person = Person(
            name=rng.choice(D.SURNAMES) + "".join(rng.choice(D.GIVEN) for _ in range(rng.choice((1, 2)))),
            gender=gender, birth_year=birth.year, phone=f"13{rng.randrange(10**8, 10**9)}",
            title=rng.choice(D.TITLES), discipline=rng.choice(disciplines), unit=unit,
            is_sci_worker=rng.random() < 0.7, is_expert=rng.random() < 0.25, is_volunteer=rng.random() < 0.35,
            is_cadre=unit.kind == "association" and rng.random() < 0.3, is_grassroots_head=rng.random() < 0.08,
        )  # fmt: skip
        seq = i * 2 + (1 if gender == "M" else 0)  # odd 17th digit = male
        person.set_id_number(_id_number(rng, county_code, birth, seq))
        rows.append(person)
    Person.objects.bulk_create(rows)


# Organisation years and designations -------------------------------------------------------


def _years_and_designations(ctx: DemoContext, rng: random.Random) -> None:
    societies = ctx.orgs["societies"]
    years = []
    for year in YEARS:
        with_party = set(rng.sample(range(len(societies)), D.SOCIETIES_WITH_PARTY[year]))
        years += [
            OrganisationYear(organisation=s, year=year, has_party_organisation=i in with_party,
                             member_count=rng.randrange(60, 900))
            for i, s in enumerate(societies)
        ]  # fmt: skip
    OrganisationYear.objects.bulk_create(years)
    bases = ctx.orgs["bases"]
    rows = []
    # Earlier years' namings as history; the demo year's are named through the call engine by
    # kexie.bases.demo (naming rounds), so that they carry their call, batch and validity.
    for year in [y for y in YEARS if y < max(YEARS)]:
        for level, issuer in (("city", "济宁市科学技术协会"), ("province", "山东省科学技术协会")):
            for org in rng.sample(bases, D.NEW_BASES[year][level]):
                rows.append(
                    Designation(organisation=org, level=level, year=year, issuer=issuer,
                                valid_until=dt.date(year + 5, 12, 31), document_no=f"济科协字〔{year}〕{len(rows) + 1}号")
                )  # fmt: skip
    Designation.objects.bulk_create(rows)


# Campaigns and activities ------------------------------------------------------------------


def _campaigns(ctx: DemoContext) -> dict[str, Campaign]:
    city = ctx.city
    specs = {
        "science_day_2019": ("2019年全国科普日", 2019, (9, 14), (9, 30), D.SCIENCE_DAY_2019_DEPARTMENTS),
        "science_day_2020": ("2020年全国科普日", 2020, (9, 12), (9, 30), D.SCIENCE_DAY_2020_DEPARTMENTS),
        "sci_worker_day_2019": ("2019年全国科技工作者日", 2019, (5, 20), (5, 31), 2),
        "sci_worker_day_2020": ("2020年全国科技工作者日", 2020, (5, 20), (5, 31), 3),
    }
    campaigns = {}
    for key, (name, year, start, end, n_departments) in specs.items():
        campaign = Campaign.objects.create(
            name=name, year=year, start_date=dt.date(year, *start), end_date=dt.date(year, *end), host_unit=city,
            description=f"{name}系列活动,市县科协联动",
        )  # fmt: skip
        units = ctx.orgs["departments"][:n_departments] + ctx.orgs["counties"] + ctx.orgs["societies"][:10]
        campaign.participating_units.set(units)
        campaigns[key] = campaign
    return campaigns


STATUS_WEIGHTS = [(Status.APPROVED, 86), (Status.SUBMITTED, 7), (Status.RETURNED, 4), (Status.DRAFT, 3)]
GENERIC_KINDS = [
    ("outreach.community", 20, "科普进社区"), ("outreach.lecture", 18, "科普讲座"), ("outreach.campus", 14, "科普进校园"),
    ("outreach.rural", 12, "科普惠农技术培训"), ("outreach.emergency", 6, "疫情防控应急科普"), ("training", 10, "基层科协业务培训"),
    ("meeting", 6, "工作推进会"), ("competition", 4, "青少年科技创新竞赛"), ("consultation", 10, "农业技术咨询服务"),
]  # fmt: skip


class _ActivityFactory:
    def __init__(self, ctx: DemoContext, rng: random.Random):
        self.ctx, self.rng, self.rows, self.seq = ctx, rng, [], 0
        self.towns_of = {}
        for region in ctx.regions.values():
            if region.level == "town":
                self.towns_of.setdefault(region.parent.code, []).append(region)
        self.admin = ctx.users[D.ADMIN_USERNAME]

    def add(
        self, *, kind, title, day, reporter, organiser=None, region=None, status=None, campaign=None, **extra
    ):
        rng = self.rng
        self.seq += 1
        if region is None and reporter.region.level == "town":
            region = reporter.region  # a town association works in its own town
        elif region is None:
            county = (
                reporter.region
                if reporter.region.level == "county"
                else self.ctx.regions[rng.choice(D.COUNTIES)[0]]
            )
            region = rng.choice(self.towns_of[county.code] + [county])
        status = status or rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]
        participants = extra.pop("participants", rng.randrange(30, 800))
        activity = Activity(
            code=f"DEMO{day.year}{self.seq:06d}", title=title, kind=self.ctx.kinds[kind], start_date=day, end_date=day,
            region=region, organiser=organiser or reporter, reporting_unit=reporter, status=status, campaign=campaign,
            participants=participants, volunteers=extra.pop("volunteers", rng.randrange(0, 40)),
            beneficiaries=extra.pop("beneficiaries", participants + rng.randrange(0, 1500)),
            venue=f"{region.name}新时代文明实践站", created_by=self.admin, **extra,
        )  # fmt: skip
        if status != Status.DRAFT:
            activity.submitted_at = dt.datetime(day.year, day.month, day.day, 18, tzinfo=dt.UTC)
        if status in (Status.APPROVED, Status.RETURNED):
            activity.reviewed_at = activity.submitted_at + dt.timedelta(days=2)
            activity.reviewed_by = self.admin
        if status == Status.RETURNED:
            activity.return_reason = rng.choice(["参与人数与照片不符,请核实", "缺少活动照片", "活动日期有误"])
        self.rows.append(activity)

    def day(self, year: int, month: int | None = None) -> dt.date:
        month = month or self.rng.randrange(1, 13)
        return dt.date(year, month, self.rng.randrange(1, 29))


def _activities(ctx: DemoContext, rng: random.Random) -> None:
    f = _ActivityFactory(ctx, rng)
    for year in YEARS:
        _generic(f, year)
        _science_day(f, year)
        _sci_worker_day(f, year)
        _special(f, year)
    Activity.objects.bulk_create(f.rows, batch_size=2000)


def _generic(f: _ActivityFactory, year: int) -> None:
    ctx, rng = f.ctx, f.rng
    reporters = ctx.orgs["counties"] * 3 + ctx.orgs["towns"] + ctx.orgs["city"]
    kinds = [k for k, _, _ in GENERIC_KINDS]
    weights = [w for _, w, _ in GENERIC_KINDS]
    titles = {k: t for k, _, t in GENERIC_KINDS}
    for _ in range(D.GENERIC_ACTIVITIES[year]):
        kind = rng.choices(kinds, weights)[0]
        reporter = rng.choice(reporters)
        month = rng.choices(range(1, 13), [3, 2, 4, 5, 6, 6, 5, 5, 4, 6, 6, 4])[0]
        f.add(kind=kind, title=f"{reporter.short_name or reporter.name}{titles[kind]}", day=f.day(year, month),
              reporter=reporter)  # fmt: skip


def _science_day(f: _ActivityFactory, year: int) -> None:
    ctx, rng = f.ctx, f.rng
    campaign = ctx.campaigns[f"science_day_{year}"]
    approved = D.SCIENCE_DAY_2020_APPROVED if year == 2020 else D.SCIENCE_DAY_2019_APPROVED
    statuses = (
        [Status.APPROVED] * approved + [Status.SUBMITTED] * 5 + [Status.RETURNED] * 3 + [Status.DRAFT] * 2
    )
    reporters = ctx.orgs["counties"] + ctx.orgs["societies"][:10] + ctx.orgs["city"]
    for i, status in enumerate(statuses):
        reporter = reporters[i % len(reporters)]
        day = campaign.start_date + dt.timedelta(
            days=rng.randrange(0, (campaign.end_date - campaign.start_date).days + 1)
        )
        if i == 0:  # the city's main event, 汶上县新时代文明实践中心
            reporter, day = ctx.city, dt.date(year, 9, 19 if year == 2020 else 21)
            f.add(kind="outreach.science_day", title=f"{year}年全国科普日济宁主场活动", day=day, reporter=reporter,
                  region=ctx.regions["370830"], status=status, campaign=campaign, participants=3000)  # fmt: skip
            continue
        f.add(kind="outreach.science_day", title=f"{reporter.short_name or reporter.name}全国科普日系列活动",
              day=day, reporter=reporter, status=status, campaign=campaign)  # fmt: skip


def _sci_worker_day(f: _ActivityFactory, year: int) -> None:
    ctx = f.ctx
    campaign = ctx.campaigns[f"sci_worker_day_{year}"]
    f.add(kind="commendation", title=f"庆祝{year}年全国科技工作者日暨表现突出科技工作者表扬活动",
          day=dt.date(year, 5, 29), reporter=ctx.city, region=ctx.regions["370811"], status=Status.APPROVED,
          campaign=campaign, participants=400)  # fmt: skip
    for county in ctx.orgs["counties"]:
        f.add(kind="meeting", title=f"{county.short_name}全国科技工作者日座谈会", day=dt.date(year, 5, f.rng.randrange(20, 31)),
              reporter=county, status=Status.APPROVED, campaign=campaign)  # fmt: skip


def _special(f: _ActivityFactory, year: int) -> None:
    ctx, rng = f.ctx, f.rng
    team = ctx.orgs["volunteer_teams"][0]
    for _ in range(D.VOLUNTEER_SESSIONS[year]):
        f.add(kind="outreach.volunteer", title="“文明创城、科普先行”科普志愿服务", day=f.day(year, rng.randrange(3, 13)),
              reporter=ctx.city, organiser=team, status=Status.APPROVED, volunteers=rng.randrange(8, 30))  # fmt: skip
    f.add(kind="outreach.volunteer", title="科普志愿服务(待补充照片)", day=f.day(year, 11), reporter=ctx.city,
          organiser=team, status=Status.SUBMITTED)  # fmt: skip
    for society in rng.sample(ctx.orgs["societies"], ctx.orgs["societies"].__len__())[
        : D.ACADEMIC_EXCHANGES[year]
    ]:
        f.add(kind="academic_exchange", title=f"{society.name}{year}年学术年会", day=f.day(year), reporter=society,
              region=ctx.regions["370811"], status=Status.APPROVED)  # fmt: skip
    f.add(kind="academic_exchange", title=f"{ctx.orgs['societies'][0].name}学术沙龙(草稿)", day=f.day(year, 12),
          reporter=ctx.orgs["societies"][0], region=ctx.regions["370811"], status=Status.DRAFT)  # fmt: skip
    counties = ctx.orgs["counties"][:6]
    for i in range(D.ANTI_CULT_SHOWS[year]):
        county = counties[i % len(counties)]
        f.add(kind="performance.anti_cult", title="反邪教文艺节目《迷途知返》巡演", day=f.day(year),
              reporter=ctx.city, region=county.region, status=Status.APPROVED)  # fmt: skip
