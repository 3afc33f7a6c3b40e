"""The leak watch finds what it is there to find."""

from pathlib import Path

from tests.leak_scan import LeakWatch


def test_finds_a_secret_in_a_response_and_a_hash_in_a_log(tmp_path: Path) -> None:
    watch = LeakWatch()
    watch.add_client("client1", "s3cr3t-value-0123456789")
    log = tmp_path / "api.log"
    hash_of_user = watch.canaries["SECRET_HASH of unconfirmed@example.com"]
    log.write_text(f'users: unconfirmed@example.com\nCtrl-C stops.\n{{"h": "{hash_of_user}"}}\n')
    watch.add_log(log)
    watch.record_response('200 {"detail": "s3cr3t-value-0123456789"}')

    findings = watch.findings()

    assert findings == [
        "client secret of client1: in 1 response(s) and 0 log line(s)",
        "SECRET_HASH of unconfirmed@example.com: in 0 response(s) and 1 log line(s)",
    ]


def test_the_banner_and_clean_traffic_are_not_findings(tmp_path: Path) -> None:
    watch = LeakWatch()
    watch.add_client("client1", "s3cr3t-value-0123456789")
    log = tmp_path / "api.log"
    log.write_text("users: unconfirmed@example.com (UNCONFIRMED)\nCtrl-C stops.\nPOST /x 200 1 ms\n")
    watch.add_log(log)
    watch.record_response('200 {"message": "ok"}')

    assert watch.findings() == []
