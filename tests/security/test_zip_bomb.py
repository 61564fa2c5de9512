"""Zip bomb: an xlsx that is small on the wire but huge once unpacked is refused before loading."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.utils.translation import gettext

from budgets.models import BudgetProject
from core.admin import BoundedXLSX
from core.errors import ApplicationError

pytestmark = pytest.mark.django_db


def zip_bomb(megabytes: int = 60) -> bytes:
    """A real xlsx whose shared strings inflate from a few tens of KB to ``megabytes`` MB."""
    from openpyxl import Workbook

    plain = io.BytesIO()
    wb = Workbook()
    wb.active.append(["code", "name"])
    wb.active.append(["x", "项目"])
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "xl/sharedStrings.xml":
                z.writestr(info.filename, src.read(info.filename))
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            )
            member.write(b"<si><t>")
            chunk = b"A" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
            member.write(b"</t></si><si><t>name</t></si><si><t>x</t></si><si><t>p</t></si></sst>")
    return out.getvalue()


def test_the_budget_import_refuses_a_zip_bomb_before_loading(django_user_model):
    from budgets import importing

    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ApplicationError) as refused:
        importing.run(
            content=bomb, actor=django_user_model.objects.create(username="finance-zip", role="finance"), dry_run=True
        )
    assert "file" in refused.value.errors
    assert str(refused.value) == gettext("The workbook is too large once unpacked.")
    assert not BudgetProject.objects.exists()


def test_the_admin_import_refuses_a_zip_bomb():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        BoundedXLSX().create_dataset(zip_bomb())


def test_an_oversized_cell_is_refused():
    from budgets.importing import _cell

    with pytest.raises(ApplicationError):
        _cell("长" * 40000)
