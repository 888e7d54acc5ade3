"""The cohort report as one HTML page, its charts drawn with matplotlib (the `plots` extra) and
embedded as PNG images, so the page is a single file."""

from __future__ import annotations

import base64
import html
import io
from collections import Counter
from typing import Any

from runstrong.batch.cohort import COLOURS, STATUSES, CohortReport
from runstrong.util.errors import UserError

EXTRA = "plots"
PALETTE = {"green": "#2e7d32", "insufficient-data": "#757575", "amber": "#ef8f00", "red": "#c62828"}
TOP = 25


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise UserError(
            f"the HTML report's charts need matplotlib: pip install 'runstrong[{EXTRA}]' (or uv sync --extra {EXTRA})"
        ) from None
    return plt


def require_matplotlib() -> None:
    """Raise a UserError naming the extra when matplotlib is not installed."""
    _pyplot()


def _png(plt: Any, figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _bars(plt: Any, counter: Counter[str], title: str, colours: dict[str, str] | None = None) -> str:
    items = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]
    figure, ax = plt.subplots(figsize=(7, 0.28 * len(items) + 0.9))
    names = [name for name, _ in items][::-1]
    ax.barh(names, [count for _, count in items][::-1], color=[(colours or {}).get(n, "#5c6bc0") for n in names])
    ax.set_title(title, loc="left", fontsize=10)
    ax.tick_params(labelsize=8)
    return _png(plt, figure)


def _weeks(plt: Any, shares: list[tuple[str, int, dict[str, float]]]) -> str:
    figure, ax = plt.subplots(figsize=(7, 3))
    weeks = [week for week, _, _ in shares]
    bottom = [0.0] * len(weeks)
    for colour in COLOURS:
        values = [100 * share[colour] for _, _, share in shares]
        ax.bar(weeks, values, bottom=bottom, color=PALETTE[colour], label=colour)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("% of athletes")
    ax.set_title("Athletes red / amber / green per ISO week", loc="left", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1, 1))
    ax.tick_params(labelsize=8)
    return _png(plt, figure)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(data: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def render_html(report: CohortReport, text: str) -> str:
    """The report as a self-contained HTML page: the text, the tables and the charts."""
    plt = _pyplot()
    status = Counter({s: report.status[s] for s in STATUSES if report.status[s]})
    parts = [
        "<h1>Cohort report</h1>",
        f"<p>{report.rows} results for {len(report.athletes)} athletes over {len(report.weeks)} ISO weeks. "
        "Red is a referral; amber is amber or insufficient-data (hold the load); green is green.</p>",
        "<h2>Status</h2>",
        _image(_bars(plt, status, "Results per status", PALETTE), "results per status"),
        _table(["status", "results"], [[s, str(report.status[s])] for s in STATUSES if report.status[s]]),
    ]
    shares = report.weekly_shares()
    if shares:
        parts += [
            "<h2>Per ISO week</h2>",
            _image(_weeks(plt, shares), "athletes red, amber and green per ISO week"),
            _table(
                ["week", "athletes", "red", "amber", "green"],
                [[w, str(n), *(f"{s[c]:.0%}" for c in ("red", "amber", "green"))] for w, n, s in shares],
            ),
        ]
    parts += [
        "<h2>Adjustments</h2>",
        _image(_bars(plt, report.adjustments, f"Adjustments given (top {TOP})"), "adjustments given"),
        _table(
            ["adjustment", "results"], [[k, str(v)] for k, v in sorted(report.adjustments.items(), key=lambda x: -x[1])]
        ),
        "<h2>Rules</h2>",
        _image(_bars(plt, report.rules, f"Rules fired, results each fired on (top {TOP})"), "rules fired"),
        _table(["rule", "results"], [[k, str(v)] for k, v in sorted(report.rules.items(), key=lambda x: -x[1])]),
        f"<h2>Rules that never fired ({len(report.never_fired)} of {len(report.rule_ids)})</h2>",
        f"<p>{html.escape(' '.join(report.never_fired) or '-')}</p>",
        "<h2>As text</h2>",
        f"<pre>{html.escape(text)}</pre>",
    ]
    style = (
        "body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}"
        "img{max-width:100%}pre{white-space:pre-wrap}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>runstrong cohort report</title>'
        f"<style>{style}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
