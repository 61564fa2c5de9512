"""zh-hans formats as government finance documents write amounts: 2,396,300.00 元."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
