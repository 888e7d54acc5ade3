"""Streaming readers and part-file writers for `runstrong batch`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runstrong.batch.rows import PartFile, check_inputs, count_rows, csv_line, input_kind, read_rows
from runstrong.util.errors import UserError

GOOD = {"athlete_id": "a1", "date": "2026-11-24", "wellbeing": {"fatigue": 2}}


def test_jsonl_rows_keep_their_line_numbers_and_problems(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps(GOOD) + "\n\n{not json}\n" + json.dumps(GOOD) + "\n" + '{"athlete_id": "cut', encoding="utf-8"
    )
    rows = [row.parsed() for row in read_rows([str(path)])]
    assert [row.line for row in rows] == [1, 2, 3, 4, 5]
    assert rows[0].data == GOOD and not rows[0].problems
    assert "empty line" in rows[1].problems[0].message
    assert rows[2].problems[0].message.startswith("not valid JSON")
    assert rows[3].data == GOOD
    assert "cut short" in rows[4].problems[0].message
    assert {row.source for row in rows} == {str(path)}


def test_a_complete_last_line_without_newline_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "in.ndjson"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    (row,) = read_rows([str(path)])
    assert row.text is not None and row.data is None  # parsed where it is evaluated
    assert row.parsed().data == GOOD and not row.parsed().problems


def test_csv_columns_are_dotted_paths_and_cells_are_typed(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        "athlete_id,date,wellbeing.fatigue,wellbeing.sleep_h_avg_7d,symptoms.form_deteriorating,"
        "symptoms.red_flags,symptoms.soreness,metrics.heel_raise_reps.left,running.week_km\n"
        'a1,2026-11-24,3,7.5,true,"[""night_pain""]","[{""region"": ""calf"", ""level"": 4}]",20,\n'
        "a2,2026-11-24,high,7,no,[],[],x,40\n"
        "a3,2026-11-24,2\n",
        encoding="utf-8",
    )
    first, second, third = read_rows([str(path)])
    assert first.line == 2 and not first.problems
    assert first.data == {
        "athlete_id": "a1",
        "date": "2026-11-24",
        "wellbeing": {"fatigue": 3, "sleep_h_avg_7d": 7.5},
        "symptoms": {
            "form_deteriorating": True,
            "red_flags": ["night_pain"],
            "soreness": [{"region": "calf", "level": 4}],
        },
        "metrics": {"heel_raise_reps": {"left": 20}},
    }
    # cells that do not parse stay text, so validation names them like `recommend` does
    assert second.data["wellbeing"]["fatigue"] == "high"
    assert second.data["symptoms"]["form_deteriorating"] == "no"
    assert second.data["running"] == {"week_km": 40}
    assert third.line == 4
    assert third.problems[0].message == "3 cells, but the header has 9 columns"
    assert third.data["athlete_id"] == "a3"


def test_a_csv_record_is_one_line_and_an_open_quote_spoils_only_its_own(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('athlete_id,date\n"a,2026-11-24\na2,2026-11-24\na3,2026-11-24\n', encoding="utf-8")
    rows = list(read_rows([str(path)]))
    assert [row.line for row in rows] == [2, 3, 4]
    assert "not valid CSV" in rows[0].problems[0].message
    assert [row.data["athlete_id"] for row in rows[1:]] == ["a2", "a3"]


def test_folders_and_documents_give_one_row_per_file(tmp_path: Path) -> None:
    folder = tmp_path / "snapshots"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.yaml").write_text("athlete_id: b\ndate: 2026-11-24\n", encoding="utf-8")
    (folder / "a.json").write_text(json.dumps(GOOD), encoding="utf-8")
    (folder / "sub" / "c.yml").write_text("athlete_id: [unclosed\n", encoding="utf-8")
    (folder / "notes.txt").write_text("ignored", encoding="utf-8")
    rows = list(read_rows([str(folder)]))
    assert [Path(row.source).name for row in rows] == ["a.json", "b.yaml", "c.yml"]
    assert rows[1].data == {"athlete_id": "b", "date": "2026-11-24"}
    assert "not valid YAML" in rows[2].problems[0].message
    assert count_rows([str(folder)]) == 3


def test_input_kinds_and_checks(tmp_path: Path) -> None:
    assert input_kind("-") == "jsonl"
    assert input_kind(str(tmp_path)) == "folder"
    assert input_kind("x.CSV") == "csv"
    assert input_kind("x.yaml") == "document"
    assert input_kind("x.jsonl") == "jsonl"
    with pytest.raises(UserError) as error:
        check_inputs([str(tmp_path / "missing.jsonl"), "-", "-"])
    assert len(error.value.problems) == 2


def test_count_rows(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text("1\n2\n3", encoding="utf-8")
    (tmp_path / "b.csv").write_text("h\n1\n2\n", encoding="utf-8")
    assert count_rows([str(tmp_path / "a.jsonl"), str(tmp_path / "b.csv")]) == 5
    assert count_rows(["-"]) is None


def test_part_file_moves_into_place_only_on_commit(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    part = PartFile(target)
    part.write("one\n")
    size = part.sync()
    part.write("half a li")
    part.close()
    assert not target.exists() and (tmp_path / "out.jsonl.part").exists()
    resumed = PartFile(target, resume_at=size)
    resumed.write("two\n")
    resumed.commit()
    assert target.read_text(encoding="utf-8") == "one\ntwo\n"
    assert not (tmp_path / "out.jsonl.part").exists()


def test_csv_line_quotes() -> None:
    assert csv_line(["a", "b c", 'say "x"', "1,2"]) == 'a,b c,"say ""x""","1,2"\n'
