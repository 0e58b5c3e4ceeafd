"""The policy tree: loading, the checks that keep its data honest, and asking it by date or version."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fangkong.errors import InvalidInput, NotInForce, PolicyDataError
from fangkong.policy import Policy
from fangkong.policy.schema import Instrument
from fangkong.policy.tree import _flatten, build_parameter, check_references


def test_versions_in_date_order(policy: Policy) -> None:
    assert policy.versions == ("v9", "m20", "n10", "classb")
    assert policy.default_version == "m20"


@pytest.mark.parametrize(
    ("on", "version"),
    [
        (date(2022, 6, 28), "v9"),
        (date(2022, 11, 10), "v9"),
        (date(2022, 11, 11), "m20"),
        (date(2022, 11, 21), "m20"),  # the supporting documents amend m20, they do not replace it
        (date(2022, 12, 6), "m20"),
        (date(2022, 12, 7), "n10"),
        (date(2023, 1, 7), "n10"),
        (date(2023, 1, 8), "classb"),
        (date(2024, 1, 1), "classb"),
    ],
)
def test_version_on(policy: Policy, on: date, version: str) -> None:
    assert policy.version_on(on) == version
    assert policy.at(on).version == version


def test_before_any_version_is_an_error_naming_the_date(policy: Policy) -> None:
    with pytest.raises(NotInForce, match="2022-06-27"):
        policy.at(date(2022, 6, 27))


def test_parameter_before_its_first_value_is_not_in_force(policy: Policy) -> None:
    rules = policy.at(date(2022, 10, 1))
    with pytest.raises(NotInForce, match=r"bubble.booster_required_for_chinese_personnel on 2022-10-01"):
        rules.get("bubble.booster_required_for_chinese_personnel")
    assert rules.find("bubble.booster_required_for_chinese_personnel") is None


def test_unknown_parameter_and_version(policy: Policy) -> None:
    with pytest.raises(InvalidInput, match="no parameter named"):
        policy.at(date(2022, 11, 14)).get("management.close_contact.nonsense")
    with pytest.raises(InvalidInput, match="unknown version 'v8'"):
        policy.for_version("v8")


def test_named_version_is_clamped_into_its_span(policy: Policy) -> None:
    assert policy.for_version("m20", date(2023, 2, 1)).on == date(2022, 12, 6)
    assert policy.for_version("m20", date(2022, 1, 1)).on == date(2022, 11, 11)
    assert policy.for_version("m20", date(2022, 11, 20)).on == date(2022, 11, 20)
    # without a date: the version's last state, supplements included
    assert policy.for_version("m20").on == date(2022, 12, 6)
    assert policy.span("classb") == (date(2023, 1, 8), None)


def test_values_carry_their_source_and_interpretation(policy: Policy) -> None:
    rules = policy.at(date(2022, 11, 14))
    phases = rules.phases("management.close_contact.phases")
    assert phases.source.clause == "m20.1"
    assert phases.since == date(2022, 11, 11)
    band = rules.get("ct.entry_personnel.grey_band_upper_inclusive")
    assert band.interpretation == "ct-band-upper"


def test_every_value_cites_a_clause_of_an_instrument_in_force(policy: Policy) -> None:
    for path, param in policy.parameters.items():
        for d in param.dates:
            clause = policy.clauses[param.spec.values[d].source.clause]
            assert policy.instruments[clause.instrument].in_force_from <= d, path


def _leaf(**override: Any) -> dict[str, Any]:
    leaf: dict[str, Any] = {
        "description": "test leaf",
        "type": "int",
        "values": {date(2022, 11, 11): {"value": 5, "source": "m20.1"}},
    }
    leaf.update(override)
    return leaf


@pytest.mark.parametrize(
    ("leaf", "message"),
    [
        (_leaf(type="float32"), "unknown type"),
        (_leaf(values={date(2022, 11, 11): {"value": "five", "source": "m20.1"}}), "not a valid int"),
        (
            _leaf(values={date(2022, 11, 11): {"value": None, "source": "m20.1"}}),
            "first value of a leaf cannot be null",
        ),
        (_leaf(values={date(2022, 11, 11): {"value": 5}}), "source"),
        (_leaf(values={}), "values"),
        (_leaf(colour="red"), "colour"),
        (
            _leaf(
                type="phases",
                values={
                    date(2022, 11, 11): {
                        "value": [{"kind": "home_isolation", "days": 3, "test_days": [4]}],
                        "source": "m20.1",
                    }
                },
            ),
            "fall outside",
        ),
    ],
)
def test_malformed_leaves_are_refused(leaf: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyDataError, match=message):
        build_parameter("test.leaf", leaf)


def _with_leaf(policy: Policy, leaf: dict[str, Any]) -> Policy:
    params = dict(policy.parameters)
    params["test.leaf"] = build_parameter("test.leaf", leaf)
    return Policy(
        policy.instruments, policy.clauses, policy.interpretations, params, policy.default_version, policy._versions
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"value": 5, "source": "m20.99"}, "unknown clause 'm20.99'"),
        ({"value": 5, "source": "m20.1", "interpretation": "made-up"}, "unknown interpretation 'made-up'"),
    ],
)
def test_references_are_checked(policy: Policy, value: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyDataError, match=message):
        check_references(_with_leaf(policy, _leaf(values={date(2022, 11, 11): value})))


def test_a_value_cannot_cite_a_clause_before_its_instrument(policy: Policy) -> None:
    early = _leaf(values={date(2022, 7, 1): {"value": 5, "source": "m20.1"}})
    with pytest.raises(PolicyDataError, match="whose instrument takes effect 2022-11-11"):
        check_references(_with_leaf(policy, early))


def test_the_national_data_passes_its_own_checks(policy: Policy) -> None:
    check_references(policy)


def _instruments_changed(policy: Policy, default: str | None = None, **changed: Instrument) -> Policy:
    return Policy(
        {**policy.instruments, **changed},
        policy.clauses,
        policy.interpretations,
        policy.parameters,
        default if default is not None else policy.default_version,
        policy._versions,
    )


@pytest.mark.parametrize(
    ("default", "changed", "message"),
    [
        ("m21", {}, "default_version 'm21' is not a version"),
        ("m20-docs", {}, "default_version 'm20-docs' is not a version"),  # a supplement is not a rule set
        (None, {"amends": "m21"}, "a supplement amends a version, not 'm21'"),
        (None, {"amends": None}, "a supplement amends a version, not None"),
        (None, {"amends": "n10"}, "in force before the version it amends"),
    ],
)
def test_the_instruments_are_checked(
    policy: Policy, default: str | None, changed: dict[str, Any], message: str
) -> None:
    supplement = policy.instruments["m20-docs"].model_copy(update=changed)
    with pytest.raises(PolicyDataError, match=message):
        check_references(_instruments_changed(policy, default, **{"m20-docs": supplement}))


def test_a_parameter_defined_in_two_files_is_refused() -> None:
    leaf = {"description": "x", "type": "int", "values": {date(2022, 11, 11): {"value": 1, "source": "m20.1"}}}
    out: dict[str, Any] = {}
    _flatten({"testing": {"leaf": leaf}}, "", out, "a.yaml")
    with pytest.raises(PolicyDataError, match=r"testing.leaf: defined twice \(again in b.yaml\)"):
        _flatten({"testing": {"leaf": leaf}}, "", out, "b.yaml")
