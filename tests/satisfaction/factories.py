"""Factories and builders for survey tests."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import factory
from django.utils import timezone

from satisfaction.aggregates import record
from satisfaction.models import Answer, Area, Question, Response, Survey, SurveyRegion
from tests.factories import RegionFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    year = 2026
    code = factory.Sequence(lambda n: f"survey{n}")
    title = factory.Sequence(lambda n: f"满意度调查{n}")
    access = Survey.Access.CODE
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    status = Survey.Status.OPEN


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    survey = factory.SubFactory(SurveyFactory)
    code = factory.Sequence(lambda n: f"area{n}")
    name = factory.Sequence(lambda n: f"领域{n}")
    order = factory.Sequence(lambda n: n)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    text = factory.Sequence(lambda n: f"问题{n}?")
    kind = Question.Kind.SCALE
    order = factory.Sequence(lambda n: n)


class SurveyRegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyRegion

    survey = factory.SubFactory(SurveyFactory)
    region = factory.SubFactory(RegionFactory)
    quota = 100


def add_answers(survey: Survey, sr: SurveyRegion, question: Question, values: list[int]) -> None:
    """One response per value, each answering ``question`` (a direct insert, for result tests)."""
    responses = Response.objects.bulk_create(
        [
            Response(survey=survey, survey_region=sr, channel="interview", submitted_on=timezone.localdate())
            for _ in values
        ]
    )
    Answer.objects.bulk_create(
        [
            Answer(
                response=r,
                survey=survey,
                question=question,
                scale=question.kind == Question.Kind.SCALE,
                value=v,
                area=question.area,
                region=sr.region,
                department=question.department,
            )
            for r, v in zip(responses, values, strict=True)
        ]
    )
    for r, v in zip(responses, values, strict=True):
        record(response_id=r.pk, survey_id=survey.pk, region_id=sr.region_id, values=[(spec(question), v)])
    SurveyRegion.objects.filter(pk=sr.pk).update(received=sr.received + len(values))
    sr.refresh_from_db()


def spec(question: Question) -> SimpleNamespace:
    """What the stored aggregates need of a question (the public form's QuestionSpec)."""
    return SimpleNamespace(
        id=question.pk,
        is_scale=question.kind == Question.Kind.SCALE,
        area_id=question.area_id,
        department_id=question.department_id,
    )


def add_respondents(survey: Survey, sr: SurveyRegion, respondents: list[dict[Question, int]]) -> None:
    """One response per dict of {question: value}, stored as the public form stores them."""
    from satisfaction.services import _insert_answers

    for answers in respondents:
        response = Response.objects.create(
            survey=survey, survey_region=sr, channel="interview", submitted_on=timezone.localdate()
        )
        _insert_answers(response, survey, sr.region_id, [(spec(q), v) for q, v in answers.items()])
    SurveyRegion.objects.filter(pk=sr.pk).update(received=sr.received + len(respondents))
    sr.refresh_from_db()
