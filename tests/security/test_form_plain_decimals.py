"""Bug: the web form stored lat=1_0 as 10.0 and took full-width digits: only plain decimal numbers are accepted."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.intake.test_report_form import _form
from tests.world import NORTH_CENTER, World
from vigil.hotline.models import Report
from vigil.intake.forms import PlainDecimalField


@pytest.fixture(autouse=True)
def _fresh(fresh_rate_limits: None) -> None:
    pass


@pytest.mark.parametrize(
    "value", ["1_0", "4\uff15.0", "\u0664\u0665", "1e1", "inf", "nan", "0x10", "45,0", "--45", "4 5"]
)
def test_tricks_are_refused(value: str) -> None:
    field = PlainDecimalField(required=False)
    with pytest.raises(Exception, match="number"):
        field.clean(value)


@pytest.mark.parametrize("value", ["45", "-93.27", "+45.5", "45.", ".5", " 44.99 "])
def test_plain_decimals_pass(value: str) -> None:
    assert PlainDecimalField(required=False).clean(value) == float(value)


def test_the_form_refuses_an_underscore_latitude(world: World) -> None:
    response = Client().post("/report", _form(lat="4_4.999", lon=str(NORTH_CENTER[1])))
    assert response.status_code == 400
    assert Report.objects.count() == 0
