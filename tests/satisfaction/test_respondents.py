"""Survey figures per respondent from the database: the sample is the respondents, a group below
the minimum says 样本不足 everywhere and feeds no score, and the stored aggregates always equal a
full scan of the answers (docs/satisfaction.md)."""

import io
import threading
from decimal import Decimal as D

import pytest
from django.db import connections
from django.test.utils import override_settings
from openpyxl import load_workbook

from satisfaction import aggregates, selectors
from satisfaction.exports import results_xlsx
from satisfaction.models import Question, ResultCell
from tests.factories import RegionFactory

from .factories import AreaFactory, QuestionFactory, SurveyFactory, SurveyRegionFactory, add_respondents


@pytest.fixture
def clustered(departments):
    """One area of six questions rating edu, one region: the worked example of docs/satisfaction.md
    (A: 5 5 4 4; B: 2 3; C: 4 1 1 1 1 1), plus a yes/no question and a "don't know"."""
    s = SurveyFactory(code="clustered", year=2026)
    area = AreaFactory(survey=s, code="education", name="学有所教")
    qs = [QuestionFactory(survey=s, area=area, department=departments["edu"], text=f"学校{i}?") for i in range(6)]
    yes = QuestionFactory(survey=s, area=area, kind=Question.Kind.YESNO, text="去过学校?")
    sr = SurveyRegionFactory(survey=s, region=RegionFactory(code="east", name="东区", population=300_000))
    add_respondents(
        s,
        sr,
        [
            {qs[0]: 5, qs[1]: 5, qs[2]: 4, qs[3]: 4, yes: 1},
            {qs[0]: 2, qs[1]: 3, qs[2]: 0},  # "don't know" (0) is left out of the figures
            {qs[0]: 4, qs[1]: 1, qs[2]: 1, qs[3]: 1, qs[4]: 1, qs[5]: 1, yes: 0},
        ],
    )
    return s


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_the_worked_example_counts_three_respondents_not_twelve_answers(clustered):
    (area,) = selectors.survey_results(survey=clustered, by="area")
    assert area.estimate.n == 3
    assert area.estimate.rate == D("38.89")  # per answer it would be 5/12 = 41.67 %
    assert (area.estimate.rate_low, area.estimate.rate_high) == (D("0.00"), D("99.52"))
    assert area.estimate.score == D("56.67")
    assert (area.estimate.score_low, area.estimate.score_high) == (D("22.10"), D("91.24"))
    (dept,) = selectors.survey_results(survey=clustered, by="department")
    (overall,) = selectors.survey_results(survey=clustered, by="overall")
    assert dept.estimate == overall.estimate == area.estimate
    # A single question: each respondent answers it once, so respondents = answers (Wilson).
    first = next(r for r in selectors.survey_results(survey=clustered, by="question") if r.label == "学校0?")
    assert first.estimate.n == 3 and first.estimate.rate == D("66.67")
    figure = selectors.indicator_inputs(
        year=2026, params={"scope": "department", "measure": "rate"}, department_codes=["edu"]
    )["edu"]
    assert (figure.value, figure.respondents, figure.sufficient) == (D("38.89"), 3, True)


def test_stored_aggregates_equal_a_full_scan_and_a_rebuild(clustered):
    stored = aggregates.stored(clustered.pk)
    assert stored == aggregates.scan(clustered.pk)
    assert sum(n for (d, *_rest), n in stored.items() if d == "overall") == 3
    aggregates.rebuild(clustered.pk)
    assert aggregates.stored(clustered.pk) == stored


@pytest.fixture
def small_region(departments):
    """Region north: 20 respondents × 10 questions = 200 answers; region south: 40 respondents × 1."""
    s = SurveyFactory(code="small", year=2026)
    area = AreaFactory(survey=s, code="housing", name="住有所居")
    qs = [QuestionFactory(survey=s, area=area, department=departments["water"], text=f"住房{i}?") for i in range(10)]
    north = SurveyRegionFactory(
        survey=s, region=RegionFactory(code="north", name="北区", population=200_000), quota=500
    )
    south = SurveyRegionFactory(
        survey=s, region=RegionFactory(code="south", name="南区", population=200_000), quota=500
    )
    add_respondents(s, north, [dict.fromkeys(qs, 5) for _ in range(20)])
    add_respondents(s, south, [{qs[0]: 4} for _ in range(40)])
    return s


@override_settings(SATISFACTION_MIN_GROUP_SIZE=30)
def test_a_region_of_twenty_respondents_is_too_small_whatever_its_answers(small_region, api_for, client_for):
    regions = {r.code: r for r in selectors.survey_results(survey=small_region, by="region", published=True)}
    assert regions["north"].insufficient and regions["north"].hidden and regions["north"].estimate.rate is None
    assert not regions["south"].insufficient and regions["south"].estimate.n == 40
    internal = {r.code: r for r in selectors.survey_results(survey=small_region, by="region")}
    assert internal["north"].insufficient and internal["north"].estimate.n == 20
    assert internal["north"].estimate.rate is None  # no figure on any page

    body = api_for("api_client").get("/api/v1/surveys/small/results/", {"by": "region"}).json()
    north = next(r for r in body["results"] if r["code"] == "north")
    assert north["status"] == "sample_too_small" and north["insufficient"] is True
    assert north["estimate"]["rate"] is None and north["estimate"]["n"] == 0

    book = load_workbook(
        io.BytesIO(
            results_xlsx(
                survey=small_region,
                sections=selectors.survey_results_all(survey=small_region, published=True),
                quota_rows=selectors.quota_status(survey=small_region),
                questions=selectors.question_distribution(survey=small_region, published=True),
                weighted=False,
                published=True,
            )
        )
    )
    rows = [[c.value for c in row] for row in book["按地区"].iter_rows()]
    assert rows[[r[0] for r in rows].index("north")][:3] == ["north", "北区", "样本不足"]

    page = client_for("leader").get(f"/satisfaction/{small_region.pk}/results/").content.decode()
    assert "样本不足" in page


@override_settings(SATISFACTION_MIN_GROUP_SIZE=30)
def test_a_group_below_the_minimum_feeds_no_indicator_score(small_region):
    north = selectors.indicator_inputs(
        year=2026, params={"scope": "region", "scope_code": "north", "measure": "rate"}, department_codes=["water"]
    )["water"]
    assert (north.value, north.respondents, north.sufficient) == (None, 20, False)
    south = selectors.indicator_inputs(
        year=2026, params={"scope": "region", "scope_code": "south", "measure": "rate"}, department_codes=["water"]
    )["water"]
    assert (south.value, south.respondents, south.sufficient) == (D("100.00"), 40, True)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_to_one_region_keep_the_aggregates_exact(postgres, departments):
    """Four connections submit at once, every respondent in the same region: no deadlock, no lost
    count, and the stored rows still equal a full scan."""
    s = SurveyFactory(code="busy", year=2026)
    area = AreaFactory(survey=s, code="housing", name="住有所居")
    qs = [QuestionFactory(survey=s, area=area, text=f"住房{i}?") for i in range(5)]
    sr = SurveyRegionFactory(survey=s, region=RegionFactory(code="one", name="一区", population=1), quota=10_000)
    errors = []

    def submit(worker: int) -> None:
        try:
            for i in range(25):
                add_respondents(s, sr, [{q: 1 + (worker + i + n) % 5 for n, q in enumerate(qs)}])
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    stored = aggregates.stored(s.pk)
    assert stored == aggregates.scan(s.pk)
    assert sum(n for (d, *_rest), n in stored.items() if d == "overall") == 100
    assert ResultCell.objects.filter(survey=s).values("shard").distinct().count() > 1
