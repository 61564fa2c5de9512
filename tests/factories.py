"""factory_boy factories for the whole suite."""

from decimal import Decimal

import factory

from core.roles import Role
from indicators.models import Category, GradeBand, Indicator, Library, Rule
from organizations.models import Department, RankingGroup, Region, User

PASSWORD = "Test-pass-1234"


class RankingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RankingGroup
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"group{n}")
    name = factory.Sequence(lambda n: f"分组{n}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"region{n}")
    name = factory.Sequence(lambda n: f"区{n}")
    population = 100000


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    group = factory.SubFactory(RankingGroupFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.SUPERVISOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library
        django_get_or_create = ("year",)

    year = 2025
    name = factory.LazyAttribute(lambda o: f"{o.year}年度考核指标")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    library = factory.SubFactory(LibraryFactory)
    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"类别{n}")
    points = Decimal("25")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    library = factory.SubFactory(LibraryFactory)
    category = factory.SubFactory(CategoryFactory, library=factory.SelfAttribute("..library"))
    code = factory.Sequence(lambda n: f"ind{n}")
    name = factory.Sequence(lambda n: f"指标{n}")
    method = "proportional"
    direction = "ge"
    basic_target = Decimal("100")
    points = Decimal("10")
    params = factory.LazyFunction(dict)


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    library = factory.SubFactory(LibraryFactory)
    code = factory.Sequence(lambda n: f"rule{n}")
    name = factory.Sequence(lambda n: f"规则{n}")
    kind = "deduction"
    scope = "department"
    effect = "points"
    points = Decimal("1")


class GradeBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GradeBand

    library = factory.SubFactory(LibraryFactory)
    code = "excellent"
    label = "优秀"
    min_score = Decimal("90")
