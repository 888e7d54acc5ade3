"""The history as one figure (matplotlib, the `plots` extra): PNG or SVG."""

from __future__ import annotations

import io
from typing import Any

from runstrong.history.trends import Trends
from runstrong.util.errors import UserError

EXTRA = "plots"
FORMATS = ("png", "svg")
STATUS_COLOURS = {"green": "#2e7d32", "insufficient-data": "#757575", "amber": "#ef8f00", "red": "#c62828"}
#: Pain-monitoring zones (0-10) as the tendon rules use them (knowledge/thresholds.yaml: tendon_pain_safe_max 2,
#: tendon_pain_acceptable_max 5): safe up to 2, acceptable up to 5, too much above.
SAFE_MAX, ACCEPTABLE_MAX = 2, 5
PAIN_ZONES = (
    (0, SAFE_MAX, "#c8e6c9", f"safe 0-{SAFE_MAX}"),
    (SAFE_MAX, ACCEPTABLE_MAX, "#fff3c4", f"acceptable {SAFE_MAX}-{ACCEPTABLE_MAX}"),
    (ACCEPTABLE_MAX, 10, "#ffcdd2", f"too much >{ACCEPTABLE_MAX}"),
)


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UserError(
            f"plots need the optional matplotlib library: install runstrong[{EXTRA}] "
            f"(pip install 'runstrong[{EXTRA}]' or uv sync --extra {EXTRA})"
        ) from None
    return plt


def _distance(ax: Any, trends: Trends) -> None:
    ax.bar(trends.week_ends, trends.week_km, width=5, color="#90caf9", label="running km, 7 days ending")
    ax.plot(trends.week_ends, trends.longest_30d_km, "o-", color="#0d47a1", label="longest run, 30 days (km)")
    ax.set_ylabel("km")
    ax.set_title("Weekly running distance and the 30-day longest run", loc="left", fontsize=10)
    ax.legend(fontsize=7, loc="upper left")


def _cadence(ax: Any, trends: Trends) -> None:
    if trends.cadence:
        ax.plot(*zip(*trends.cadence, strict=True), ".", color="#6a1b9a", label="run cadence")
    if trends.cadence_baseline:
        ax.plot(*zip(*trends.cadence_baseline, strict=True), "-", color="#ab47bc", label="28-day baseline")
    ax.set_ylabel("steps/min")
    ax.set_title("Cadence against the athlete's baseline", loc="left", fontsize=10)
    if trends.cadence or trends.cadence_baseline:
        ax.legend(fontsize=7, loc="upper left")


def _pain(ax: Any, trends: Trends) -> None:
    for low, high, colour, label in PAIN_ZONES:
        ax.axhspan(low, high, color=colour, label=label, zorder=0)
    if trends.tendon_pain:
        ax.plot(*zip(*trends.tendon_pain, strict=True), "o-", color="#b71c1c", label="worst tendon pain", zorder=2)
    ax.set_ylim(0, 10)
    ax.set_ylabel("pain /10")
    ax.set_title("Tendon pain during loading (pain-monitoring zones)", loc="left", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", ncol=2)


def _sleep(ax: Any, trends: Trends) -> None:
    if trends.sleep_h:
        ax.plot(*zip(*trends.sleep_h, strict=True), "-", color="#00695c", label="sleep (h)")
    ax.set_ylabel("hours")
    ax.set_title("Sleep", loc="left", fontsize=10)


def _decisions(ax: Any, trends: Trends) -> None:
    for day, status in trends.decisions:
        ax.scatter([day], [0], s=80, color=STATUS_COLOURS.get(status, "#000000"))
    for status, colour in STATUS_COLOURS.items():
        ax.scatter([], [], color=colour, label=status)
    ax.set_yticks([])
    ax.set_title("Decisions given (status)", loc="left", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", ncol=4)


def render_plots(trends: Trends, fmt: str) -> bytes:
    """One figure of five panels over the same dates, as PNG or SVG bytes."""
    if fmt not in FORMATS:
        raise UserError(f"plot format {fmt!r}: expected one of {', '.join(FORMATS)}")
    plt = _pyplot()
    figure, axes = plt.subplots(5, 1, figsize=(8, 11), sharex=True, gridspec_kw={"height_ratios": [3, 2, 2, 2, 1]})
    for draw, ax in zip((_distance, _cadence, _pain, _sleep, _decisions), axes, strict=True):
        draw(ax, trends)
        ax.grid(axis="y", alpha=0.3)
    first = trends.week_ends[0] if trends.week_ends else trends.until
    figure.suptitle(f"{trends.athlete_id}: {first.isoformat()} to {trends.until.isoformat()}", fontsize=12)
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}  # SVG without a timestamp: the same data, the same file
    figure.savefig(buffer, format=fmt, metadata=metadata, dpi=100)
    plt.close(figure)
    return buffer.getvalue()
