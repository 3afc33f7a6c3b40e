"""Alarms that reach a person, say what to do, tell of the recovery, and page once per fault (issue 24)."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path
from typing import Any

from aws_cdk.assertions import Annotations, Match

from code_screens.routes import ROUTES
from code_screens.settings import DEFAULT_RESPONSE_TIME_FLOOR_MS
from infra.monitoring import ALARMS_NOTIFY_NOBODY, COGNITO_DOOR, LATENCY_P99_HEADROOM_MS
from tests.synth import Synthesized, rest_apis

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown document."""
    anchors = set()
    for heading in re.findall(r"^#{1,6} (.+)$", markdown, flags=re.MULTILINE):
        text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
        anchors.add(text.replace(" ", "-"))
    return anchors


def _metrics(node: Any) -> list[tuple[str, str, frozenset[tuple[str, str]]]]:
    """Every metric an alarm watches: (namespace, name, dimensions as items, tokens as their JSON)."""
    if isinstance(node, dict):
        found = []
        if "MetricName" in node and "Namespace" in node:
            dimensions = frozenset((d["Name"], repr(d["Value"])) for d in node.get("Dimensions", []))
            found.append((node["Namespace"], node["MetricName"], dimensions))
        return found + [m for value in node.values() for m in _metrics(value)]
    if isinstance(node, list):
        return [m for value in node for m in _metrics(value)]
    return []


def test_every_alarm_says_what_it_means_what_to_do_and_links_its_runbook_section(each_mode: Synthesized) -> None:
    anchors = github_anchors(OPERATIONS.read_text())

    for logical_id, alarm in each_mode.of_type("AWS::CloudWatch::Alarm").items():
        description = alarm["Properties"]["AlarmDescription"]

        meaning, _, rest = description.partition(". What to do: ")
        action, _, link = rest.partition(". Runbook: ")
        assert meaning and action and link, logical_id
        path, _, anchor = link.partition("#")
        assert path == "docs/operations.md"
        assert anchor in anchors, f"{logical_id} links #{anchor}, which docs/operations.md has no heading for"
        assert len(description) <= 1024  # CloudFormation's limit


def test_every_notifying_alarm_tells_of_the_recovery_too(existing: Synthesized) -> None:
    alarms = existing.of_type("AWS::CloudWatch::Alarm")
    notifying = {k: a for k, a in alarms.items() if a["Properties"].get("AlarmActions")}

    # The per-route 5XX alarms and the Cognito door's are the only ones that stay quiet (Api5xx pages for them).
    quiet = set(alarms) - set(notifying)
    prefixes = tuple(f"MonitoringApi5xx{name}" for name in [*(route.construct_id for route in ROUTES), COGNITO_DOOR])
    assert len(quiet) == len(ROUTES) + 1 and all(k.startswith(prefixes) for k in quiet)
    for logical_id, alarm in notifying.items():
        assert alarm["Properties"]["OKActions"] == alarm["Properties"]["AlarmActions"], logical_id
    for logical_id in quiet:
        assert not alarms[logical_id]["Properties"].get("OKActions"), logical_id


def test_no_two_notifying_alarms_watch_one_metric_at_two_levels(existing: Synthesized) -> None:
    # A per-route 5XX and the API's 5XX are one fault seen twice: only one of them may page.
    notifying = [
        (k, set(_metrics(a["Properties"])))
        for k, a in existing.of_type("AWS::CloudWatch::Alarm").items()
        if a["Properties"].get("AlarmActions")
    ]

    for (first, first_metrics), (second, second_metrics) in combinations(notifying, 2):
        for namespace, name, dimensions in first_metrics:
            for other_namespace, other_name, other_dimensions in second_metrics:
                if (namespace, name) != (other_namespace, other_name):
                    continue
                nested = dimensions <= other_dimensions or other_dimensions <= dimensions
                assert not nested, f"{first} and {second} both page for {namespace} {name}"


def test_the_api_has_a_p99_latency_alarm_above_the_response_floor(each_mode: Synthesized) -> None:
    (alarm,) = [
        a["Properties"]
        for a in each_mode.of_type("AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == "Latency"
    ]

    assert (alarm["Namespace"], alarm["ExtendedStatistic"]) == ("AWS/ApiGateway", "p99")
    assert alarm["Threshold"] == DEFAULT_RESPONSE_TIME_FLOOR_MS + LATENCY_P99_HEADROOM_MS
    assert alarm["EvaluationPeriods"] == 3


def test_a_stack_whose_alarms_notify_nobody_warns_at_synth(demo: Synthesized, existing: Synthesized) -> None:
    def warnings(synthesized: Synthesized) -> list[Any]:
        found = Annotations.from_stack(synthesized.stack).find_warning("*", Match.string_like_regexp("notify nobody"))
        return [w.entry.data for w in found]

    assert any(ALARMS_NOTIFY_NOBODY in str(w) for w in warnings(demo))
    assert warnings(existing) == []


def test_the_paging_5xx_alarm_watches_every_api_of_the_stack(existing: Synthesized) -> None:
    # The Cognito door is a REST API of its own, with its own ApiName in AWS/ApiGateway: an Api5xx on the JSON API
    # alone would never hear of the door's 5xx. One alarm for both, each API's whole-API metric (no route dimension).
    # The one 5XX alarm that pages (the per-route and door ones carry a label, so a Metrics list too, but page nobody).
    (api5xx,) = [
        a["Properties"]
        for k, a in existing.of_type("AWS::CloudWatch::Alarm").items()
        if k.startswith("MonitoringApi5xx") and a["Properties"].get("AlarmActions")
    ]
    watched = [m for m in _metrics(api5xx) if m[1] == "5XXError"]
    names = sorted(dict(dimensions)["ApiName"] for _, _, dimensions in watched)

    assert names == sorted(repr(api["Properties"]["Name"]) for api in rest_apis(existing).values())
    assert all({name for name, _ in dimensions} == {"ApiName"} for _, _, dimensions in watched)
    (expression,) = [m["Expression"] for m in api5xx["Metrics"] if "Expression" in m]
    assert expression == "FILL(json, 0) + FILL(cognito, 0)"
    assert api5xx["AlarmActions"] and api5xx["OKActions"] == api5xx["AlarmActions"]
