"""The bundled rule set's ids, pinned: adding, removing or renaming a rule is a visible change here."""

from __future__ import annotations

from click.testing import CliRunner

from runstrong.cli.main import cli
from runstrong.rules.model import RuleSet

RULE_IDS = [
    "BL01",
    "BL02",
    "BL03",
    "BL04",
    "CG01",
    "CG02",
    "CG03",
    "CG04",
    "CG05",
    "CG06",
    "EA01",
    "EA02",
    "GP01",
    "GP02",
    "GP03",
    "GP04",
    "GP05",
    "GP06",
    "GP07",
    "GP08",
    "GP09",
    "GP10",
    "GP11",
    "GP12",
    "GP13",
    "GP14",
    "GP15",
    "GP16",
    "GP17",
    "GP18",
    "GP19",
    "GP20",
    "IH01",
    "IH02",
    "IH03",
    "IH04",
    "IH05",
    "IH06",
    "IH07",
    "IH08",
    "LV01",
    "LV02",
    "LV03",
    "LV04",
    "LV05",
    "LV06",
    "LV07",
    "PL01",
    "PL02",
    "PL03",
    "PL04",
    "PL05",
    "RD01",
    "RD02",
    "RD03",
    "RF01",
    "RF02",
    "RF03",
    "RF04",
    "RF05",
    "RF06",
    "RF07",
    "RF08",
    "RF09",
    "RF10",
    "RF11",
    "RF12",
    "RF13",
    "RF14",
    "RF15",
    "SP01",
    "SP02",
    "SP03",
    "SP04",
    "SP05",
    "SP06",
    "SW01",
    "SW02",
    "SW03",
    "SW04",
    "SW05",
    "SW06",
    "SW07",
    "SW08",
    "SW09",
    "SW10",
    "SW11",
    "TD01",
    "TD02",
    "TD03",
    "TD04",
    "TD05",
    "TD06",
    "TD07",
    "TD08",
]


def test_rules_list_gives_exactly_the_pinned_ids() -> None:
    out = CliRunner().invoke(cli, ["rules", "list"])
    assert out.exit_code == 0, out.output
    listed = [line.split()[0] for line in out.output.splitlines() if line.strip()]
    assert len(listed) == len(set(listed)), "a rule id is listed twice"
    assert sorted(listed) == RULE_IDS, {
        "added": sorted(set(listed) - set(RULE_IDS)),
        "removed": sorted(set(RULE_IDS) - set(listed)),
    }


def test_loaded_rule_set_has_the_pinned_ids(ruleset: RuleSet) -> None:
    assert sorted(rule.id for rule in ruleset.rules) == RULE_IDS
