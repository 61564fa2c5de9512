"""core.links: a URL name reversed once gives every primary key's path, the same as reverse()."""

import pytest
from django.urls import reverse

from core.links import link_to


@pytest.mark.parametrize("name", ["monitoring:warning_detail", "rectification:item_detail", "rectification:item_close"])
@pytest.mark.parametrize("pk", [1, 7, 918273645, 10**12])
def test_the_same_path_as_reverse(name, pk):
    assert link_to(name)(pk) == reverse(name, args=[pk])


def test_a_key_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        link_to("monitoring:warning_detail")("1/../../admin")
