"""`runstrong audit verify` re-runs logged decisions and finds the ones that do not reproduce,
and checks the log's hash chain: lines deleted, moved, replayed, changed, cut short or malformed."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrong.advice.result import recommend
from runstrong.audit.log import (
    BROKEN,
    GENESIS,
    LINKED,
    AuditLog,
    audit_record,
    check_chain,
    last_line,
    line_hash,
    read_lines,
)
from runstrong.audit.verify import verify_log
from runstrong.cli.main import cli
from runstrong.engine.evaluator import Evaluator
from strategies import snapshots
from tiny_rules import write_rules

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "achilles-flare-up.yaml")


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An audit log with one `recommend` and one `explain` decision, written once."""
    log = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    for command in (["recommend", EXAMPLE], ["explain", EXAMPLE, "--rule", "TD01", "-f", "json"]):
        result = CliRunner().invoke(cli, [*command, "--audit-log", str(log)])
        assert result.exit_code == 0, result.output
    return log.read_text(encoding="utf-8")


@pytest.fixture()
def log(logged: str, tmp_path: Path) -> Path:
    copy = tmp_path / "audit.jsonl"
    copy.write_text(logged, encoding="utf-8")
    return copy


def _rewrite(log: Path, change) -> None:
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    change(records[0])
    log.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_logged_decisions_reproduce(log: Path, tmp_path: Path) -> None:
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [r["command"] for r in records] == ["recommend", "explain"]
    assert records[0]["result"] == records[1]["result"]
    result = CliRunner().invoke(cli, ["audit", "verify", str(log)])
    assert result.exit_code == 0, result.output
    assert "2 of 2 decisions reproduce; 0 do not." in result.output


def test_a_changed_result_is_reported(log: Path, tmp_path: Path) -> None:
    _rewrite(log, lambda r: r["result"].update(status="green"))
    result = CliRunner().invoke(cli, ["audit", "verify", str(log)])
    assert result.exit_code == 1
    assert "FAIL line 1: ana 2026-11-24" in result.output and "does not reproduce" in result.output
    assert "status green -> amber" in result.output
    assert "1 of 2 decisions reproduce; 1 do not." in result.output


def test_a_changed_snapshot_is_reported(log: Path, tmp_path: Path) -> None:
    _rewrite(log, lambda r: r["snapshot"]["wellbeing"].update(sleep_h_avg_7d=8.5))
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), "-f", "json"])
    assert result.exit_code == 1
    verdicts = json.loads(result.output)
    assert verdicts[0]["verdict"] == "snapshot changed" and not verdicts[0]["ok"]
    assert verdicts[1]["ok"]


def test_another_rule_set_is_named_and_the_advice_difference_shown(log: Path, tmp_path: Path) -> None:
    other = write_rules(tmp_path / "other", "0.0.1", 7.0, night_pain=False)
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), "--rules", str(other)])
    assert result.exit_code == 1
    assert "logged with rule set 1" in result.output and "re-run with 0.0.1" in result.output
    assert "- stop-painful-exercise" in result.output


def test_same_advice_under_another_rule_set_is_not_a_failure(tmp_path: Path) -> None:
    base = write_rules(tmp_path / "base", "1", 7.0, night_pain=False)
    head = write_rules(tmp_path / "head", "2", 7.5, night_pain=False)
    snapshot = tmp_path / "s.yaml"
    snapshot.write_text("athlete_id: a\ndate: 2026-11-24\nwellbeing: {sleep_h_avg_7d: 6}\n", encoding="utf-8")
    log = tmp_path / "audit.jsonl"
    assert (
        CliRunner().invoke(cli, ["recommend", str(snapshot), "--rules", str(base), "--audit-log", str(log)]).exit_code
        == 0
    )
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), "--rules", str(head)])
    assert result.exit_code == 0, result.output
    assert "same advice, other rule set" in result.output


def test_an_archived_rule_set_re_runs_its_own_decisions(tmp_path: Path) -> None:
    old = write_rules(tmp_path / "old", "1", 7.0, night_pain=False)
    new = write_rules(tmp_path / "new", "2", 6.0, night_pain=False)
    snapshot = tmp_path / "s.yaml"
    snapshot.write_text("athlete_id: a\ndate: 2026-11-24\nwellbeing: {sleep_h_avg_7d: 6.5}\n", encoding="utf-8")
    log = tmp_path / "audit.jsonl"
    assert (
        CliRunner().invoke(cli, ["recommend", str(snapshot), "--rules", str(old), "--audit-log", str(log)]).exit_code
        == 0
    )
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), "--rules", str(new)])
    assert result.exit_code == 1 and "- reduce-load" in result.output
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), "--rules", str(new), "--archive", str(old)])
    assert result.exit_code == 0, result.output
    assert "reproduced" in result.output and "re-run with" not in result.output


# The hash chain. A log of four decisions, written once; each test tampers with a copy.

HEALTHY = str(ROOT / "examples" / "healthy-base-week4.yaml")


@pytest.fixture(scope="module")
def chained(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    log = tmp_path_factory.mktemp("chain") / "audit.jsonl"
    for command in (["recommend", EXAMPLE], ["recommend", HEALTHY], ["explain", EXAMPLE], ["recommend", HEALTHY]):
        result = CliRunner().invoke(cli, [*command, "--audit-log", str(log)])
        assert result.exit_code == 0, result.output
    return log.read_bytes()


@pytest.fixture()
def chain(chained: bytes, tmp_path: Path) -> Path:
    copy = tmp_path / "audit.jsonl"
    copy.write_bytes(chained)
    return copy


def _lines(log: Path) -> list[bytes]:
    return log.read_bytes().split(b"\n")[:-1]


def _write(log: Path, lines: list[bytes], end: bytes = b"\n") -> None:
    log.write_bytes(b"\n".join(lines) + end)


def _line(record: dict[str, Any]) -> bytes:
    return json.dumps(record, sort_keys=True, ensure_ascii=False).encode()


def _verify(log: Path, *options: str) -> Result:
    result = CliRunner().invoke(cli, ["audit", "verify", str(log), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_each_line_carries_the_hash_of_the_line_before(chain: Path) -> None:
    lines = _lines(chain)
    records = [json.loads(line) for line in lines]
    assert hashlib.sha256(b"").hexdigest() == GENESIS
    assert [r["prev"] for r in records] == [GENESIS] + [hashlib.sha256(line).hexdigest() for line in lines[:-1]]
    assert list(records[0]) == [
        "command",
        "prev",
        "result",
        "ruleset",
        "runstrong",
        "snapshot",
        "snapshot_digest",
        "time",
    ]
    assert all(line == _line(r) for line, r in zip(lines, records, strict=True))
    result = _verify(chain)
    assert result.exit_code == 0, result.output
    assert "4 of 4 decisions reproduce; 0 do not.\nchain intact: lines 1–4 linked.\n" in result.output
    assert f"head (line 4): {line_hash(lines[-1])}" in result.output
    checks = json.loads(_verify(chain, "-f", "json").output)
    assert [c["chain"] for c in checks] == [LINKED] * 4 and all(c["ok"] for c in checks)
    assert [c["hash"] for c in checks] == [line_hash(line) for line in lines]


def test_a_deleted_line_is_named(chain: Path) -> None:
    lines = _lines(chain)
    _write(chain, [lines[0], *lines[2:]])
    result = _verify(chain)
    assert result.exit_code == 1
    assert "FAIL line 2: ana 2026-11-24" in result.output and "reproduced; chain broken" in result.output
    assert (
        "chain broken at line 2: line 2 does not follow line 1: line 1 was changed, or lines between them were deleted"
        in result.output
    )
    assert "3 of 3 decisions reproduce; 0 do not." in result.output


def test_a_deleted_first_line_is_named(chain: Path) -> None:
    _write(chain, _lines(chain)[1:])
    result = _verify(chain)
    assert result.exit_code == 1
    assert "chain broken at line 1: line 1 does not start the chain: the lines before it were deleted" in result.output


def test_swapped_lines_are_named(chain: Path) -> None:
    lines = _lines(chain)
    _write(chain, [lines[0], lines[2], lines[1], lines[3]])
    result = _verify(chain)
    assert result.exit_code == 1
    assert (
        "chain broken at line 2 (3 broken links: lines 2–4): line 2 belongs after line 3: lines were moved"
        in result.output
    )


def test_a_replayed_line_is_named(chain: Path) -> None:
    lines = _lines(chain)
    _write(chain, [*lines[:2], lines[1], *lines[2:]])
    result = _verify(chain)
    assert result.exit_code == 1
    assert "chain broken at line 3: line 3 repeats line 2: a line was replayed" in result.output
    assert "FAIL line 3" in result.output and "FAIL line 4" not in result.output
    _write(chain, [*lines, lines[0]])
    assert "chain broken at line 5: line 5 repeats line 1: a line was replayed" in _verify(chain).output


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "time": lambda r: r.update(time="2026-11-23T08:00:00+00:00"),
    "command": lambda r: r.update(command="consult"),
    "result": lambda r: r["result"].update(status="red"),
    "snapshot": lambda r: r["snapshot"].update(athlete_id="zoe"),
    "ruleset": lambda r: r["ruleset"].update(version="0.9.0"),
    "prev": lambda r: r.update(prev=GENESIS),
}


@pytest.mark.parametrize("field", EDITS)
def test_an_edited_line_is_named(chain: Path, field: str) -> None:
    lines = _lines(chain)
    record = json.loads(lines[1])
    EDITS[field](record)
    _write(chain, [lines[0], _line(record), *lines[2:]])
    result = _verify(chain)
    assert result.exit_code == 1
    if field == "prev":
        assert "line 2 starts a chain (its prev is that of a first line) but follows line 1" in result.output
    else:
        assert "chain broken at line 3: line 3 does not follow line 2: line 2 was changed" in result.output
    if field == "result":
        assert "FAIL line 2: runner-017 2026-11-24" in result.output and "does not reproduce" in result.output
    if field == "snapshot":
        assert "FAIL line 2: zoe 2026-11-24" in result.output and "snapshot changed" in result.output


def test_the_end_of_a_log_is_checked_against_a_noted_head(chain: Path) -> None:
    """A chain cannot show by itself that its last lines were deleted or its last line changed:
    the head noted at an earlier check can."""
    lines = _lines(chain)
    head = line_hash(lines[-1])
    assert _verify(chain, "--head", head).exit_code == 0
    assert "the head given is line 4; 0 lines appended after it." in _verify(chain, "--head", head).output
    _write(chain, lines[:2])
    assert _verify(chain).exit_code == 0  # two lines deleted from the end: a valid, shorter chain
    result = _verify(chain, "--head", head)
    assert result.exit_code == 1
    assert f"chain broken at line 2: the head given ({head}) is not in the log" in result.output
    record = json.loads(lines[-1])
    record["time"] = "2026-11-23T08:00:00+00:00"
    _write(chain, [*lines[:-1], _line(record)])
    assert _verify(chain).exit_code == 0 and _verify(chain, "--head", head).exit_code == 1
    AuditLog(chain).append([json.loads(lines[0])])  # lines appended after the head are fine
    _write(chain, [*lines, _lines(chain)[-1]])
    assert "the head given is line 4; 1 line appended after it." in _verify(chain, "--head", head).output
    assert _verify(chain, "--head", "nothex").exit_code == 2


def test_a_truncated_last_line_is_named(chain: Path) -> None:
    lines = _lines(chain)
    _write(chain, [*lines[:-1], lines[-1][:300]], end=b"")
    result = _verify(chain)
    assert result.exit_code == 1
    assert "FAIL line 4: malformed line; chain broken" in result.output
    assert "it is cut short (the file does not end with a newline)" in result.output
    assert "3 of 3 decisions reproduce; 0 do not.\n1 malformed line: line 4." in result.output
    _write(chain, lines, end=b"")  # only the newline lost
    result = _verify(chain)
    assert result.exit_code == 1
    assert "chain broken at line 4: line 4 has no newline at its end: it was cut short" in result.output


def test_an_append_after_a_cut_line_ends_it_and_chains_on_it(chain: Path) -> None:
    lines = _lines(chain)
    _write(chain, [*lines[:-1], lines[-1][:300]], end=b"")
    AuditLog(chain).append([json.loads(lines[0])])
    after = _lines(chain)
    assert after[3] == lines[-1][:300] and json.loads(after[4])["prev"] == line_hash(lines[-1][:300])
    checks = json.loads(_verify(chain, "-f", "json").output)
    assert [c["verdict"] for c in checks][3:] == ["malformed line", "reproduced"]
    assert checks[4]["chain"] == LINKED


def _record_line(chain: Path, change: Callable[[dict[str, Any]], Any]) -> bytes:
    record = json.loads(_lines(chain)[1])
    change(record)
    return _line(record)


MALFORMED: dict[str, tuple[Callable[[Path], bytes], str]] = {
    "not JSON": (lambda _: b"not json", "not JSON: Expecting value (column 1)"),
    "cut JSON": (lambda c: _lines(c)[1][:200], "not JSON: "),
    "an array": (lambda _: b"[1, 2]", "not an audit record: an array where an object is expected"),
    "a string": (lambda _: b'"ruleset"', "not an audit record: a string where an object is expected"),
    "ruleset a string": (
        lambda c: _record_line(c, lambda r: r.update(ruleset="1.0.0")),
        "not an audit record: ruleset is a string where an object is expected",
    ),
    "missing fields": (
        lambda c: _record_line(c, lambda r: (r.pop("time"), r.pop("snapshot_digest"))),
        "not an audit record: missing snapshot_digest, time",
    ),
    "time a number": (
        lambda c: _record_line(c, lambda r: r.update(time=1764000000)),
        "not an audit record: time is a number where a string is expected",
    ),
    "result an array": (
        lambda c: _record_line(c, lambda r: r.update(result=[])),
        "not an audit record: result is an array where an object is expected",
    ),
    "no rule-set digest": (
        lambda c: _record_line(c, lambda r: r["ruleset"].pop("digest")),
        "not an audit record: ruleset.digest is null where a string is expected",
    ),
    "prev not a hash": (
        lambda c: _record_line(c, lambda r: r.update(prev="abc")),
        'not an audit record: prev is "abc", not a SHA-256 in lowercase hex',
    ),
    "a key twice": (
        lambda c: _lines(c)[1][:-1] + b', "time": "2026-11-24T00:00:00+00:00"}',
        "not an audit record: the key 'time' is given twice",
    ),
    "blank": (lambda _: b"   ", "a blank line (the log never writes one)"),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_a_malformed_line_is_reported_and_the_others_checked(chain: Path, kind: str) -> None:
    make, message = MALFORMED[kind]
    lines = _lines(chain)
    _write(chain, [lines[0], make(chain), *lines[2:]])
    result = _verify(chain)
    assert result.exit_code == 1, result.output
    assert "FAIL line 2: malformed line" in result.output and message in result.output
    assert "ok   line 1: ana 2026-11-24" in result.output
    assert "3 of 3 decisions reproduce; 0 do not.\n1 malformed line: line 2." in result.output
    checks = json.loads(_verify(chain, "-f", "json").output)
    assert [c["verdict"] for c in checks] == ["reproduced", "malformed line", "reproduced", "reproduced"]
    assert checks[1]["ok"] is False and message in checks[1]["details"][0]
    assert checks[2]["chain"] == BROKEN  # line 2 is not the one line 3 was chained to


def test_a_line_holding_a_line_separator_is_one_line(chain: Path) -> None:
    """JSON leaves U+2028 and NEL unescaped; the log's lines end at "\\n" only."""
    record = json.loads(_lines(chain)[0])
    record["command"] = "recommend\u2028\x85"
    AuditLog(chain).append([record])
    result = _verify(chain)
    assert result.exit_code == 0, result.output
    assert "chain intact: lines 1–5 linked." in result.output


def test_a_log_that_cannot_be_read_is_a_usage_error(tmp_path: Path) -> None:
    result = _verify(tmp_path / "missing.jsonl")
    assert result.exit_code == 2 and "cannot read the audit log" in result.output
    log = tmp_path / "audit.jsonl"
    log.write_bytes(b'{"time": "\xff"}\n')
    result = _verify(log)
    assert result.exit_code == 2 and "audit.jsonl:1: not UTF-8 text: byte 0xff" in result.output
    log.write_bytes(b"")
    result = _verify(log)
    assert result.exit_code == 0 and "0 of 0 decisions reproduce; 0 do not.\nthe log is empty." in result.output


def test_an_old_unchained_log_verifies_and_is_said_to_be_not_chained(chain: Path) -> None:
    old = [_line({k: v for k, v in json.loads(line).items() if k != "prev"}) for line in _lines(chain)]
    _write(chain, old)
    result = _verify(chain)
    assert result.exit_code == 0, result.output
    assert "not chained: lines 1–4 have no prev (written before the hash chain)" in result.output
    assert [c["chain"] for c in json.loads(_verify(chain, "-f", "json").output)] == ["not chained"] * 4
    AuditLog(chain).append([json.loads(old[0])])  # chains on the old log's last line
    assert json.loads(_lines(chain)[4])["prev"] == line_hash(old[3])
    result = _verify(chain)
    assert result.exit_code == 0, result.output
    assert "have no prev (written before the hash chain): their order and completeness cannot be checked." in (
        result.output
    )
    assert "chain intact: line 5 linked." in result.output
    _write(chain, [*_lines(chain), old[1]])  # an unchained line after chained ones breaks the chain
    result = _verify(chain)
    assert result.exit_code == 1
    assert "chain broken at line 6: line 6 is not linked to the line before it: it has no prev" in result.output


def test_the_last_line_is_read_from_the_end(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    log.write_bytes(b"a" * 200_000 + b"\n" + b"b" * 100_000 + b"\n \n\n")
    with log.open("rb") as file:
        assert last_line(file) == b"b" * 100_000
    log.write_bytes(b"only, cut")
    with log.open("rb") as file:
        assert last_line(file) == b"only, cut"
    log.write_bytes(b"\n\n")
    with log.open("rb") as file:
        assert last_line(file) is None


def _append_many(path: str, writer: str, count: int, start: Any) -> None:
    start.wait()
    for number in range(count):
        AuditLog(Path(path)).append([{"writer": writer, "number": number}])


def test_two_processes_appending_at_once_keep_one_chain(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    writers = [context.Process(target=_append_many, args=(str(log), name, 50, start)) for name in "ab"]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(60)
        assert writer.exitcode == 0
    lines = read_lines(log)
    records = [json.loads(line.raw) for line in lines]
    assert len(records) == 100
    for name in "ab":
        assert [r["number"] for r in records if r["writer"] == name] == list(range(50))
    assert [verdict for verdict, _ in check_chain(lines)] == [LINKED] * 100


# The property: whatever one line is deleted, swapped, repeated or edited, `audit verify` finds it.


def _edit(record: dict[str, Any], key: str) -> None:
    value = record[key]
    record[key] = value + "0" if isinstance(value, str) else {**value, "edited": True}


TAMPERINGS = st.sampled_from(["delete", "swap", "duplicate", "edit"])
FIELDS = ["time", "command", "prev", "result", "ruleset", "runstrong", "snapshot", "snapshot_digest"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(snapshots, min_size=2, max_size=5), TAMPERINGS, st.data())
def test_any_one_line_deleted_swapped_repeated_or_edited_is_found(
    evaluator: Evaluator, decisions: list[Any], tampering: str, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "audit.jsonl"
        for snapshot in decisions:
            AuditLog(log).append([audit_record(snapshot, recommend(evaluator, snapshot), "recommend")])
        lines = _lines(log)
        head = line_hash(lines[-1])
        assert not verify_log([evaluator], log, head).failed
        index = data.draw(st.integers(0, len(lines) - 1), label="line")
        if tampering == "delete":
            del lines[index]
        elif tampering == "swap":
            other = data.draw(st.integers(0, len(lines) - 1).filter(lambda i: i != index), label="with")
            lines[index], lines[other] = lines[other], lines[index]
        elif tampering == "duplicate":
            lines.insert(data.draw(st.integers(0, len(lines)), label="at"), lines[index])
        else:
            record = json.loads(lines[index])
            _edit(record, data.draw(st.sampled_from(FIELDS), label="field"))
            lines[index] = _line(record)
        _write(log, lines)
        assert verify_log([evaluator], log, head).failed
