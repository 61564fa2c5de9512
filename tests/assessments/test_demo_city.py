"""The demo city is what every new user judges the product by: its reports must be believable."""

from collections import defaultdict

from django.utils import timezone

from assessments import demo
from assessments.models import Entry, Report
from indicators import demo as indicators_demo
from organizations import demo as organizations_demo
from satisfaction import demo as satisfaction_demo


def test_the_demo_reports_are_believable(db):
    organizations_demo.seed()
    indicators_demo.seed()
    satisfaction_demo.seed()  # the year's published results include the satisfaction survey
    demo.seed()
    filed = Entry.objects.filter(report__status__in=["submitted", "approved", "returned"])
    # a submitted report never lacks its required evidence
    lacking = filed.filter(assignment__indicator__evidence_required=True, evidence__isnull=True)
    assert filed.filter(assignment__indicator__evidence_required=True).exists() and not lacking.exists()
    # cumulative values never fall from one quarter to the next; counted things are whole
    values = defaultdict(dict)
    cumulative = Entry.objects.filter(actual_value__isnull=False, assignment__indicator__value_type="cumulative")
    fields = ("report__department_id", "assignment_id", "report__quarter__number", "actual_value")
    for dept, a_id, q, value, unit in cumulative.values_list(*fields, "assignment__indicator__unit"):
        values[(dept, a_id)][q] = value
        if unit in demo.COUNT_UNITS:
            assert value == value.to_integral_value(), (unit, value)
    assert values
    for by_quarter in values.values():
        for q, v in by_quarter.items():
            assert q - 1 not in by_quarter or v >= by_quarter[q - 1]
    # a year's reports are submitted in that year (Q4 in the January after)
    for r in Report.objects.exclude(submitted_at=None).select_related("quarter__plan"):
        year = timezone.localtime(r.submitted_at).year
        assert year == r.quarter.plan.year or (r.quarter.number == 4 and year == r.quarter.plan.year + 1)
