"""Results from the database match figures computed by hand; indicator values for scoring."""

from decimal import Decimal as D

import pytest
from django.test.utils import override_settings

from indicators.scoring import Inputs, Spec, score
from satisfaction import selectors
from satisfaction.models import Question, Survey
from tests.factories import RegionFactory

from .factories import AreaFactory, QuestionFactory, SurveyFactory, SurveyRegionFactory, add_answers


@pytest.fixture
def survey(departments):
    """Two areas, two regions (300,000 and 100,000 people), questions rating edu and health.

    east (300k): q_edu 5 5 4 2 | q_health 4 4 0(don't know) | yes/no 1 1
    west (100k): q_edu 4 1 1 1 | q_health 5 3
    """
    s = SurveyFactory(code="s2026", year=2026)
    school = AreaFactory(survey=s, code="education", name="学有所教", order=1)
    health = AreaFactory(survey=s, code="medical", name="病有所医", order=2)
    q_edu = QuestionFactory(survey=s, area=school, department=departments["edu"], text="学校?")
    q_health = QuestionFactory(survey=s, area=health, department=departments["health"], text="医院?")
    q_yes = QuestionFactory(survey=s, area=health, kind=Question.Kind.YESNO, text="去过医院?")
    east = SurveyRegionFactory(survey=s, region=RegionFactory(code="east", name="东区", population=300_000, order=1))
    west = SurveyRegionFactory(survey=s, region=RegionFactory(code="west", name="西区", population=100_000, order=2))
    add_answers(s, east, q_edu, [5, 5, 4, 2])
    add_answers(s, west, q_edu, [4, 1, 1, 1])
    add_answers(s, east, q_health, [4, 4, 0])
    add_answers(s, west, q_health, [5, 3])
    add_answers(s, east, q_yes, [1, 1])
    return s


def by_code(rows):
    return {r.code: r for r in rows}


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_overall_counts_only_the_1_to_5_answers(survey):
    (row,) = selectors.survey_results(survey=survey, by="overall")
    # 5 5 4 2 4 1 1 1 4 4 5 3: twelve answers, seven satisfied; Σ = 39 → mean 3.25
    assert row.estimate.n == 12
    assert row.estimate.rate == D("58.33")
    assert row.estimate.score == D("65.00")
    # Wilson 7/12: centre 0.74340 / 1.32013, half 1.4847 × √0.026924 → (0.3195, 0.8067)
    assert (row.estimate.rate_low, row.estimate.rate_high) == (D("31.95"), D("80.67"))


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_per_area_region_department_and_question(survey):
    areas = by_code(selectors.survey_results(survey=survey, by="area"))
    assert areas["education"].estimate.rate == D("50.00")  # 5 5 4 2 4 1 1 1
    assert areas["education"].estimate.score == D("57.50")
    assert areas["medical"].estimate.n == 4  # 4 4 5 3 (don't know left out, yes/no not a rating)
    assert areas["medical"].estimate.rate == D("75.00")
    assert areas["medical"].estimate.score == D("80.00")
    regions = by_code(selectors.survey_results(survey=survey, by="region"))
    assert regions["east"].estimate.n == 6  # 5 5 4 2 4 4
    assert regions["east"].estimate.rate == D("83.33")
    assert regions["west"].estimate.rate == D("33.33")  # 4 1 1 1 5 3
    assert regions["east"].extra["quota"] == 100
    depts = by_code(selectors.survey_results(survey=survey, by="department"))
    assert depts["edu"].estimate.rate == D("50.00")
    assert depts["health"].estimate.rate == D("75.00")
    questions = selectors.survey_results(survey=survey, by="question")
    assert [r.label for r in questions] == ["学校?", "医院?"]  # yes/no is not a satisfaction question


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_weighted_figures_beside_the_unweighted(survey):
    areas = by_code(selectors.survey_results(survey=survey, by="area", weighted=True))
    edu = areas["education"]
    assert edu.estimate.rate == D("50.00")
    # east 0.75 (weight 0.75), west 0.25 (weight 0.25) → 62.50; scores 4.0 and 1.75 → 68.75
    assert edu.weighted.rate == D("62.50")
    assert edu.weighted.score == D("68.75")
    assert selectors.survey_results(survey=survey, by="area")[0].weighted is None


@override_settings(SATISFACTION_MIN_GROUP_SIZE=5)
def test_published_results_hide_small_groups(survey):
    shown = by_code(selectors.survey_results(survey=survey, by="area", published=True))
    assert not shown["education"].hidden and shown["education"].estimate.n == 8
    assert shown["medical"].hidden
    assert shown["medical"].estimate.n == 0 and shown["medical"].estimate.rate is None
    unpublished = by_code(selectors.survey_results(survey=survey, by="area"))
    assert unpublished["medical"].estimate.n == 4 and not unpublished["medical"].hidden
    dist = {q["text"]: q for q in selectors.question_distribution(survey=survey, published=True)}
    assert dist["学校?"]["total"] == 8
    assert dist["去过医院?"]["hidden"] and dist["去过医院?"]["options"][0]["count"] is None


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_distribution_of_every_question(survey):
    dist = {q["text"]: q for q in selectors.question_distribution(survey=survey)}
    health = {o["value"]: o["count"] for o in dist["医院?"]["options"]}
    assert health == {5: 1, 4: 2, 3: 1, 2: 0, 1: 0, 0: 1}
    yes = {o["value"]: o["count"] for o in dist["去过医院?"]["options"]}
    assert yes == {1: 2, 0: 0}


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_results_take_a_constant_number_of_queries(survey, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        selectors.survey_results(survey=survey, by="department", weighted=True)
    q = survey.questions.get(text="学校?")
    region = survey.regions.first()
    region.quota = 1000  # room for 200 more respondents (received never exceeds the quota)
    region.save(update_fields=["quota"])
    add_answers(survey, region, q, [5] * 200)
    with django_assert_max_num_queries(4):
        rows = selectors.survey_results(survey=survey, by="department", weighted=True)
    assert by_code(rows)["edu"].estimate.n == 208


# --- indicator_value: what the scoring engine reads ----------------------------------------------


def params(**kw):
    base = {"survey": None, "scope": "overall", "scope_code": "", "measure": "rate", "target": "85"}
    return base | kw


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_indicator_value_by_scope_and_measure(survey):
    iv = selectors.indicator_value
    assert iv(year=2026, params=params(), department_code=None) == D("58.33")
    assert iv(year=2026, params=params(measure="score"), department_code=None) == D("65.00")
    assert iv(year=2026, params=params(scope="area", scope_code="medical"), department_code=None) == D("75.00")
    assert iv(year=2026, params=params(scope="region", scope_code="east"), department_code=None) == D("83.33")
    # scope department without a code: the department being assessed
    assert iv(year=2026, params=params(scope="department"), department_code="health") == D("75.00")
    assert iv(year=2026, params=params(scope="department"), department_code="edu") == D("50.00")
    assert iv(year=2026, params=params(scope="department", scope_code="edu"), department_code="health") == D("50.00")
    assert iv(year=2026, params=params(survey="s2026", scope="department"), department_code="edu") == D("50.00")


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_indicator_value_is_none_without_a_result(survey):
    iv = selectors.indicator_value
    assert iv(year=2025, params=params(), department_code=None) is None  # no survey that year
    assert iv(year=2026, params=params(scope="department"), department_code="water") is None  # not rated
    assert iv(year=2026, params=params(scope="area", scope_code="nowhere"), department_code=None) is None
    assert iv(year=2026, params=params(survey="unknown"), department_code=None) is None
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)
    assert iv(year=2026, params=params(), department_code=None) is None  # drafts never count


def test_indicator_value_is_none_below_the_minimum_group_size(survey, settings):
    settings.SATISFACTION_MIN_GROUP_SIZE = 5
    p = params(scope="department")
    assert selectors.indicator_value(year=2026, params=p, department_code="health") is None  # 4 answers
    assert selectors.indicator_value(year=2026, params=p, department_code="edu") == D("50.00")  # 8 answers


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_the_year_survey_prefers_the_closed_one(survey, departments):
    later = SurveyFactory(code="s2026b", year=2026, status=Survey.Status.OPEN)
    q = QuestionFactory(survey=later, department=departments["edu"])
    add_answers(later, SurveyRegionFactory(survey=later), q, [5, 5])
    p = params(scope="department")
    # both open: the latest closing date wins (the factory gives both the same, so the newest)
    assert selectors.indicator_value(year=2026, params=p, department_code="edu") == D("100.00")
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    assert selectors.indicator_value(year=2026, params=p, department_code="edu") == D("50.00")


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_new_answers_move_the_indicator_score_across_its_target(survey):
    """A satisfaction indicator (threshold at 85 percent) scores 0, then full points after new answers."""
    spec = Spec(method="satisfaction", direction="ge", points=D(10), params={"target": "85", "mode": "threshold"})
    p = params(scope="department")
    before = selectors.indicator_value(year=2026, params=p, department_code="health")
    assert before == D("75.00")
    assert score(spec, Inputs(satisfaction=before)).points == D(0)
    q = survey.questions.get(text="医院?")
    add_answers(survey, survey.regions.get(region__code="west"), q, [5, 5, 4])  # 3 of 4 → 6 of 7 = 85.71
    after = selectors.indicator_value(year=2026, params=p, department_code="health")
    assert after == D("85.71")
    assert score(spec, Inputs(satisfaction=after)).points == D("10.00")


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_all_groupings_come_from_one_scan_of_the_answers(survey, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        everything = selectors.survey_results_all(survey=survey, weighted=True)
    for by in selectors.DIMENSIONS:
        single = selectors.survey_results(survey=survey, by=by, weighted=True)
        assert [(r.code, r.estimate, r.weighted) for r in everything[by]] == [
            (r.code, r.estimate, r.weighted) for r in single
        ]
    assert by_code(everything["department"])["health"].estimate.rate == D("75.00")


@override_settings(SATISFACTION_MIN_GROUP_SIZE=1)
def test_scoring_every_department_aggregates_once_and_sees_new_answers(survey, django_assert_num_queries):
    p = params(scope="department")
    assert selectors.indicator_value(year=2026, params=p, department_code="edu") == D("50.00")
    with django_assert_num_queries(2):  # which survey, how many responses: the cells are reused
        assert selectors.indicator_value(year=2026, params=p, department_code="health") == D("75.00")
    add_answers(survey, survey.regions.first(), survey.questions.get(text="学校?"), [5, 5])
    assert selectors.indicator_value(year=2026, params=p, department_code="edu") == D("60.00")  # 6 of 10
