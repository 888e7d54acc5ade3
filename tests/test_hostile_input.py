"""Hostile and malformed input never changes the advice, crashes, or loses data: one test per
class of bad input, and fuzzing of `recommend -` and of a batch row."""

from __future__ import annotations

import fcntl
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrong.batch.evaluate import RowEvaluator
from runstrong.batch.rows import Row, read_rows
from runstrong.cli.main import cli
from runstrong.rules.ruleset import load_ruleset
from runstrong.util.paths import default_knowledge_dir, default_rules_dir

ROOT = Path(__file__).resolve().parent.parent
GOOD = {"athlete_id": "ok", "date": "2026-11-24", "wellbeing": {"sleep_h_avg_7d": 7.5}}
WORKER = RowEvaluator(load_ruleset(default_rules_dir(), default_knowledge_dir()), "jsonl", audit=False)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _run(*args: str, stdin: bytes | str | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=stdin)


def _recommend_file(tmp_path: Path, name: str, content: bytes | str) -> Any:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return _run("recommend", str(path))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nan.json", '{"athlete_id": "a", "date": "2026-11-24", "wellbeing": {"sleep_h_avg_7d": NaN}}', "NaN is not"),
        ("inf.json", '{"athlete_id": "a", "date": "2026-11-24", "running": {"week_km": Infinity}}', "Infinity"),
        ("huge.json", '{"athlete_id": "a", "date": "2026-11-24", "running": {"week_km": 1e999}}', "too large"),
        ("nan.yaml", "athlete_id: a\ndate: 2026-11-24\nwellbeing: {sleep_h_avg_7d: .nan}\n", "not a number"),
        ("inf.yaml", "athlete_id: a\ndate: 2026-11-24\nrunning: {week_km: .inf}\n", "not a number"),
        (
            "twice.json",
            '{"athlete_id": "a", "date": "2026-11-24", "symptoms": {"red_flags": ["night_pain"]},'
            ' "symptoms": {"red_flags": []}}',
            "given twice",
        ),
        ("twice.yaml", "athlete_id: a\ndate: 2026-11-24\nsymptoms: {red_flags: [night_pain]}\nsymptoms: {}\n", "twice"),
        (
            "digits.json",
            '{"athlete_id": "a", "date": "2026-11-24", "running": {"week_km": ' + "9" * 5000 + "}}",
            "digits",
        ),
        ("400.json", '{"athlete_id": "a", "date": "2026-11-24", "running": {"week_km": ' + "9" * 400 + "}}", "digits"),
        ("deep.json", "[" * 100_000, "nested more than"),
        ("deep.yaml", "[" * 5_000, "nested more than"),
        ("alias.yaml", "a: &a [1, 2]\nb: *a\nathlete_id: x\ndate: 2026-11-24\n", "aliases"),
        ("ctrl.json", '{"athlete_id": "\\u001b[31mX\\u0007", "date": "2026-11-24"}', "control characters"),
    ],
)
def test_bad_values_are_refused_with_the_reason(tmp_path: Path, name: str, content: str, message: str) -> None:
    result = _recommend_file(tmp_path, name, content)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_not_utf8_names_the_position_and_a_bom_is_read(tmp_path: Path) -> None:
    result = _recommend_file(tmp_path, "latin1.json", b'{"athlete_id": "\xe9", "date": "2026-11-24"}')
    assert result.exit_code == 2 and "not UTF-8 text: byte 0xe9 at line 1, column 17" in result.output
    bom = b"\xef\xbb\xbf" + json.dumps(GOOD).encode()
    assert _recommend_file(tmp_path, "bom.json", bom).exit_code == 0


def test_valid_json_numbers_are_read_as_json(tmp_path: Path) -> None:
    exponent = _recommend_file(
        tmp_path, "e.json", '{"athlete_id": "a", "date": "2026-11-24", "running": {"week_km": 4e1}}'
    )
    assert exponent.exit_code == 0, exponent.output


def test_an_alias_bomb_and_a_huge_list_are_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefg", "bcdefgh", strict=True)]
    bomb = _recommend_file(tmp_path, "bomb.yaml", "\n".join(lines) + "\nathlete_id: x\n")
    assert bomb.exit_code == 2 and "aliases" in bomb.output
    many = {**GOOD, "symptoms": {"soreness": [{"region": "calf", "level": 1}] * 20_000}}
    result = _recommend_file(tmp_path, "many.json", json.dumps(many))
    assert result.exit_code == 2 and "expected at most 1000 items" in result.output
    assert len(result.output) < 500  # the message does not repeat the list


def test_a_markdown_report_escapes_html(tmp_path: Path) -> None:
    result = _recommend_file(tmp_path, "x.json", json.dumps({**GOOD, "athlete_id": "<script>alert(1)</script>"}))
    assert result.exit_code == 0
    markdown = _run("recommend", str(tmp_path / "x.json"), "-f", "markdown").output
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown


# ---------------------------------------------------------------- batch


def _batch(tmp_path: Path, *args: str) -> Any:
    return _run("batch", *args)


def test_bad_rows_go_to_the_error_file_with_their_line_and_the_good_rows_go_on(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    lines = [
        json.dumps(GOOD).encode(),
        b'{"athlete_id": "n", "date": "2026-11-24", "wellbeing": {"sleep_h_avg_7d": NaN}}',
        b'{"athlete_id": "\xe9", "date": "2026-11-24"}',
        b'{"athlete_id": "d", "date": "2026-11-24", "symptoms": {}, "symptoms": {}}',
        b'{"athlete_id": "big", "date": "2026-11-24", "running": {"week_km": ' + b"9" * 5000 + b"}}",
        b"[" * 100_000,
        json.dumps({**GOOD, "athlete_id": "last"}).encode(),
        b"",
        b"",
    ]
    source.write_bytes(b"\n".join(lines))
    result = _batch(tmp_path, str(source), "-o", str(tmp_path / "out.jsonl"), "-j", "1")
    assert result.exit_code == 3, result.output
    results = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    errors = [json.loads(line) for line in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert [r["athlete_id"] for r in results] == ["ok", "last"]
    assert [e["line"] for e in errors] == [2, 3, 4, 5, 6]  # the blank lines at the end are not rows
    assert "rows read: 7 = 2 results" in result.output


def test_csv_from_excel_with_a_bom_and_an_open_quote_and_formula_ids(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(
        b"\xef\xbb\xbfathlete_id,date,wellbeing.sleep_h_avg_7d\n"
        b"=cmd|' /C calc'!A0,2026-11-24,7\n"
        b'"open,2026-11-24,7\n'
        b"+SUM(1+1),2026-11-24,7\n"
        b"-2+3,2026-11-24,7\n"
    )
    out = tmp_path / "out.csv"
    result = _batch(tmp_path, str(source), "-o", str(out), "-j", "1")
    assert result.exit_code == 3, result.output
    cells = [line.split(",")[0] for line in out.read_text().splitlines()[1:]]
    assert cells == ["'=cmd|' /C calc'!A0", "'+SUM(1+1)", "'-2+3"]
    error = json.loads((tmp_path / "out.errors.jsonl").read_text())
    assert error["line"] == 3 and "not valid CSV" in error["problems"][0]["message"]


def test_a_csv_header_naming_a_column_twice_refuses_its_rows(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("athlete_id,date,symptoms.red_flags,symptoms.red_flags\na,2026-11-24,[],[]\n")
    result = _batch(tmp_path, str(source), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 3
    assert "names symptoms.red_flags more than once" in (tmp_path / "out.errors.jsonl").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["IN", "-o", "IN"], "is the input"),
        (["OUT.part", "-o", "OUT"], "is the input"),
        (["IN", "-o", "OUT", "--audit-log", "OUT"], "is also written as -o/--output"),
        (["IN", "-o", "OUT", "--audit-log", "IN"], "is the input"),
        (["IN", "-o", "OUT", "--errors", "OUT"], "is also written as"),
        (["FOLDER", "-o", "FOLDER/out.jsonl"], "inside the input folder"),
    ],
)
def test_outputs_that_would_collide_are_refused(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "IN").write_text(json.dumps(GOOD) + "\n")
    (tmp_path / "OUT.part").write_text(json.dumps(GOOD) + "\n")
    (tmp_path / "FOLDER").mkdir()
    (tmp_path / "FOLDER" / "a.json").write_text(json.dumps(GOOD))
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    result = _batch(tmp_path, *[str(tmp_path / a) if a[0].isupper() else a for a in args])
    assert result.exit_code == 2 and message in result.output, result.output
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before  # nothing touched


def test_a_second_run_on_the_same_output_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps(GOOD) + "\n")
    out = tmp_path / "out.jsonl"
    with open(out.with_name("out.jsonl.lock"), "a") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        result = _batch(tmp_path, str(tmp_path / "in.jsonl"), "-o", str(out))
    assert result.exit_code == 2 and "another runstrong batch is writing out.jsonl" in result.output
    assert not out.exists() and not out.with_name("out.jsonl.part").exists()
    assert _batch(tmp_path, str(tmp_path / "in.jsonl"), "-o", str(out)).exit_code == 0
    assert not out.with_name("out.jsonl.lock").exists()


@pytest.mark.parametrize("progress", ["not json", "[]", '{"version": 1}', '{"version": 1, "tally": {"rows": -1}}'])
def test_a_damaged_progress_file_is_a_message(tmp_path: Path, progress: str) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps(GOOD) + "\n")
    out = tmp_path / "out.jsonl"
    out.with_name("out.jsonl.progress").write_text(progress)
    result = _batch(tmp_path, str(tmp_path / "in.jsonl"), "-o", str(out), "--resume")
    assert result.exit_code == 2 and "--resume" in result.output and "Traceback" not in result.output


def test_a_path_that_cannot_be_written_is_a_message(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    result = _run("recommend", str(ROOT / "examples" / "healthy-base-week4.yaml"), "--audit-log", str(blocked / "a"))
    assert "GREEN" in result.output  # the advice is printed before the log is written
    assert result.exit_code == 2 and "runstrong: error:" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------- fuzzing

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=300), _JSON.map(lambda v: json.dumps(v).encode()), st.text(max_size=300).map(str.encode)
    )
)
def test_arbitrary_input_to_recommend_is_a_result_or_a_message(data: bytes) -> None:
    result = CliRunner().invoke(cli, ["recommend", "-"], input=data)
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output


@FUZZ
@given(junk=st.one_of(st.binary(max_size=200), _JSON.map(lambda v: json.dumps(v).encode())))
def test_a_bad_row_never_changes_the_good_rows(tmp_path_factory: pytest.TempPathFactory, junk: bytes) -> None:
    """The rows around any junk line give exactly the results they give without it."""
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "dirty.jsonl"
    good = json.dumps(GOOD).encode()
    source.write_bytes(good + b"\n" + junk.replace(b"\n", b" ") + b"\n" + good + b"\n")
    outcomes = [WORKER(row) for row in read_rows([str(source)])]
    alone = WORKER(Row("clean", 1, text=good.decode()))
    assert len(outcomes) in (2, 3)  # a blank junk line between rows is a row of its own
    assert outcomes[0].text == outcomes[-1].text == alone.text
    assert all(o.text is not None or o.error is not None for o in outcomes)
