"""The limiter's and the floor's prices in `make bench`, from DynamoDB's request units and billed Lambda time."""

import pytest

from bench import features


@pytest.fixture(autouse=True)
def no_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "_measure_on_emulator", lambda count: {"allowed_ms": 12.0, "refused_ms": 6.0})


def test_the_floor_bills_only_its_padding_over_a_warm_request() -> None:
    costs = features.feature_costs(warm_request_ms=170.0, memory_mb=256)

    # 500 ms floor - 170 ms request - 2 x 5 ms DynamoDB = 320 ms at 0.25 GB and $0.0000133334 per GB-s.
    assert costs["floor_padding_ms"] == pytest.approx(320.0)
    assert costs["floor_usd_per_million"] == pytest.approx(0.320 * 0.25 * 0.0000133334 * 1e6)
    assert costs["per_100ms_of_floor_usd_per_million"] == pytest.approx(0.333, abs=0.001)


def test_an_allowed_request_pays_a_read_and_a_write_a_refused_one_a_read() -> None:
    costs = features.feature_costs(warm_request_ms=170.0, memory_mb=256)

    assert costs["limiter_allowed_usd_per_million"] == pytest.approx(0.125 + 0.625 + 0.010 * 0.25 * 0.0000133334 * 1e6)
    assert costs["limiter_refused_usd_per_million"] == pytest.approx(0.125 + 0.005 * 0.25 * 0.0000133334 * 1e6)


def test_a_request_slower_than_the_floor_is_not_padded() -> None:
    assert features.feature_costs(warm_request_ms=900.0, memory_mb=256)["floor_usd_per_million"] == 0
