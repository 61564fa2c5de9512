import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rectification import services

TODAY = dt.date(2026, 9, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="整改报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _today(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    now = dt.datetime(2026, 9, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    monkeypatch.setattr(timezone, "now", lambda: now)


@pytest.fixture
def item(users, departments):
    return services.item_create(
        actor=users["supervisor"],
        department=departments["edu"],
        title="台账资料不全",
        description="第三季度报告佐证材料缺失。",
        measures_required="补齐佐证材料并建立归档制度。",
        deadline=dt.date(2026, 9, 30),
    )
