"""Factories and builders for survey tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

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
    SurveyRegion.objects.filter(pk=sr.pk).update(received=sr.received + len(values))
    sr.refresh_from_db()
