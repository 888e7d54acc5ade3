"""`runstrong history` and `--athlete` end to end: exit codes, check-ins, snapshots, decisions kept, plots."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from history_files import FIT_DIR, daily_runs_csv, utc
from runstrong.cli.main import cli

D = date(2026, 11, 24)


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "h.sqlite3"

    def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, [*args], input=stdin, env={"RUNSTRONG_DB": str(db)})

    return invoke


def test_import_exit_codes_0_all_ok_3_some_failed_2_usage(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = [str(FIT_DIR / "activity-small-fenix2-run.fit"), str(FIT_DIR / "garmin-fenix-5-bike.fit")]
    ok = run("history", "import", *good, "--athlete", "ana")
    assert ok.exit_code == 0, ok.output
    assert "1 new (1 running)" in ok.output and "1 new (0 running)" in ok.output
    partly = run("history", "import", str(FIT_DIR / "activity-unexpected-eof.fit"), *good, "--athlete", "ana")
    assert partly.exit_code == 3
    assert "activity-unexpected-eof.fit: truncated FIT file" in partly.output
    assert partly.output.count("unchanged") == 2
    assert run("history", "import", "--athlete", "ana").exit_code == 2
    missing = run("history", "import", str(tmp_path / "nope.fit"), "--athlete", "ana")
    assert missing.exit_code == 3 and "nope.fit" in missing.output
    odd = tmp_path / "notes.txt"
    odd.write_text("hello")
    assert "unknown file type .txt" in run("history", "import", str(odd), "--athlete", "ana").output


def test_checkin_snapshot_recommend_and_the_decision_shown_again(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    csv = tmp_path / "activities.csv"
    csv.write_bytes(daily_runs_csv(40, utc(2026, 10, 16, 7, 0, 0)))
    assert run("history", "import", str(csv), "--athlete", "ana").exit_code == 0
    checkin = json.dumps(
        {
            "date": D.isoformat(),
            "symptoms": {"soreness": [], "tendon": [], "sharp_joint_pain": [], "red_flags": []},
            "wellbeing": {"sleep_h_avg_7d": 7.5, "sleep_h_last_night": 7.5, "fatigue": 2},
            "plan": {"phase": "base_strength", "weeks_in_phase": 3},
        }
    )
    done = run("history", "checkin", "--athlete", "ana", "-", stdin=checkin)
    assert done.exit_code == 0, done.output
    built = run("history", "snapshot", "--athlete", "ana", "--date", D.isoformat(), "-f", "json")
    snapshot = json.loads(built.output)
    assert snapshot["running"]["week_km"] == 56 and snapshot["running"]["prev_week_km"] == 56
    assert snapshot["symptoms"]["red_flags"] == [] and "provenance" in snapshot
    advice = run("recommend", "--athlete", "ana", "--date", D.isoformat(), "-f", "json")
    assert advice.exit_code == 0, advice.output
    status = json.loads(advice.output)["status"]
    listing = run("history", "show", "--athlete", "ana", "--date", D.isoformat(), "--weeks", "3")
    assert f"#1 {D.isoformat()} {status}" in listing.output
    again = run("history", "show", "--athlete", "ana", "--decision", "1")
    assert again.exit_code == 0 and "rule set digest" in again.output
    assert run("plan", "--athlete", "ana", "--date", D.isoformat()).exit_code == 0
    saved = tmp_path / "s.yaml"
    assert run("history", "snapshot", "--athlete", "ana", "--date", D.isoformat(), "-o", str(saved)).exit_code == 0
    assert json.loads(run("recommend", str(saved), "-f", "json").output)["status"] == status  # the file, as given


def test_bad_checkin_is_named_by_field(run) -> None:  # type: ignore[no-untyped-def]
    bad = run("history", "checkin", "--athlete", "ana", "-", stdin="date: 2026-11-24\nwellbeing: {fatigue: 9}\n")
    assert bad.exit_code == 2 and "wellbeing.fatigue" in bad.output
    bad = run("history", "checkin", "--athlete", "ana", "-", stdin="date: 2026-11-24\nprogress: {bar_speed: 1}\n")
    assert bad.exit_code == 2 and "did you mean 'bar_speed_mps'" in bad.output
    assert "needs the date" in run("history", "checkin", "--athlete", "ana", "-", stdin="wellbeing: {}\n").output


def test_athlete_options_usage_errors(run) -> None:  # type: ignore[no-untyped-def]
    assert "no athlete 'bob'" in run("recommend", "--athlete", "bob").output
    assert "not both" in run("recommend", "examples/achilles-flare-up.yaml", "--athlete", "ana").output
    assert run("recommend").exit_code == 2
    assert (
        "--date and --db go with --athlete"
        in run("explain", "examples/achilles-flare-up.yaml", "--date", "2026-01-01").output
    )


def test_db_flag_and_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    result = CliRunner().invoke(cli, ["history", "athletes", "--db", str(junk)])
    assert result.exit_code == 2 and "not a runstrong history database" in result.output


def test_show_writes_png_and_svg_and_the_html_report_embeds_the_plot(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("matplotlib")
    shutil.copy(FIT_DIR / "activity-small-fenix2-run.fit", tmp_path / "run.fit")
    assert run("history", "import", str(tmp_path / "run.fit"), "--athlete", "ana").exit_code == 0
    day = (date(2015, 8, 15) + timedelta(days=3)).isoformat()
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml")):
        out = tmp_path / f"ana{suffix}"
        result = run("history", "show", "--athlete", "ana", "--date", day, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)
    assert run("history", "show", "--athlete", "ana", "-o", str(tmp_path / "a.gif")).exit_code == 2
    page = run("explain", "--athlete", "ana", "--date", day, "-f", "html").output
    assert "<figure><svg" in page and "</figure>" in page and page.count("<svg") == 1


def test_the_plots_pain_zones_are_the_tendon_rules_thresholds(ruleset) -> None:  # type: ignore[no-untyped-def]
    from runstrong.history.plots import ACCEPTABLE_MAX, SAFE_MAX

    thresholds = ruleset.knowledge.thresholds
    assert thresholds["tendon_pain_safe_max"].value == SAFE_MAX
    assert thresholds["tendon_pain_acceptable_max"].value == ACCEPTABLE_MAX


def test_without_matplotlib_show_exits_2_and_the_report_comes_without_plots(run, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import runstrong.history.plots as plots
    from runstrong.util.errors import UserError

    def missing() -> None:
        raise UserError("plots need the optional matplotlib library: install runstrong[plots]")

    monkeypatch.setattr(plots, "_pyplot", missing)
    shutil.copy(FIT_DIR / "garmin-fenix-5-run.fit", tmp_path / "run.fit")
    assert run("history", "import", str(tmp_path / "run.fit"), "--athlete", "ana").exit_code == 0
    shown = run("history", "show", "--athlete", "ana", "--date", "2017-06-12", "-o", str(tmp_path / "a.png"))
    assert shown.exit_code == 2 and "runstrong[plots]" in shown.output and not (tmp_path / "a.png").exists()
    page = run("explain", "--athlete", "ana", "--date", "2017-06-12", "-f", "html")
    assert page.exit_code == 0 and "<svg" not in page.output and "</html>" in page.output
