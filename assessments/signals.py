"""Domain signals of the assessments app: what other apps may listen to without being imported.

``scores_changed`` is sent by a recomputation once it has written scores (``plan_id``, ``count``);
the dashboards listen to it to drop their cached public pages. Bulk writes send no ``post_save``,
so this is the one notice of changed scores.
"""

from django.dispatch import Signal

scores_changed = Signal()
