"""Each operational setting is declared once (vigil/places/settings_table.py) and every reader follows it."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxValueValidator, MinValueValidator

from tests.world import World
from vigil.coordinate.forms import NetworkSettingsForm
from vigil.lib.errors import VigilError
from vigil.places import config
from vigil.places.models import NetworkSettings
from vigil.places.services import update_network_settings
from vigil.places.settings_table import SETTINGS, defaults_from_environment

NAMES = [s.name for s in SETTINGS]


def test_the_model_has_one_column_per_setting_with_its_default_and_range() -> None:
    for setting in SETTINGS:
        field = NetworkSettings._meta.get_field(setting.name)
        assert field.default == setting.default  # type: ignore[union-attr]
        bounds = {type(v): v.limit_value for v in field.validators}  # type: ignore[union-attr]
        assert bounds[MinValueValidator] == setting.low and bounds[MaxValueValidator] == setting.high


def test_the_running_config_has_exactly_the_settings_of_the_table() -> None:
    assert [f.name for f in dataclasses.fields(config.Config)] == NAMES


def test_the_coordinators_form_offers_each_setting_within_its_range() -> None:
    form = NetworkSettingsForm()
    assert list(form.fields) == NAMES
    for setting in SETTINGS:
        field = form.fields[setting.name]
        assert (field.min_value, field.max_value) == (setting.low, setting.high)  # type: ignore[attr-defined]
        low = NetworkSettingsForm({**{s.name: s.default for s in SETTINGS}, setting.name: setting.low - 1})
        assert not low.is_valid() and setting.name in low.errors


def test_the_environment_sets_a_default_only_within_the_range(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_CLUSTER_METERS", "400")
    assert defaults_from_environment()["cluster_meters"] == 400
    monkeypatch.setenv("VIGIL_CLUSTER_METERS", "10")
    with pytest.raises(ImproperlyConfigured, match="at least 50"):
        defaults_from_environment()
    monkeypatch.setenv("VIGIL_CLUSTER_METERS", "999999")
    with pytest.raises(ImproperlyConfigured, match="at most 5000"):
        defaults_from_environment()


def test_the_service_refuses_a_value_out_of_range_and_keeps_the_row(world: World) -> None:
    values = {s.name: s.default for s in SETTINGS}
    update_network_settings(actor=world.alice, values=values)
    with pytest.raises(VigilError) as refused:
        update_network_settings(actor=world.alice, values={**values, "checkin_minutes": 0})
    assert refused.value.code == "setting_out_of_range"
    assert NetworkSettings.objects.get(pk=1).checkin_minutes == values["checkin_minutes"]
