"""Moderator reports as plain data and PNG charts (no Discord here).

The funnel chart is drawn with matplotlib's non-interactive Agg backend, so it works on a
server with no display. matplotlib is imported on the first chart, not at start-up: it costs
about 0.35 s and 20 MB, and only ``/coach stats`` and ``stats --png`` draw.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from bot.progress.results import GuildStats
from bot.storage.protocol import ProgressRow

CHART_SIZE = (10.0, 5.0)  # inches; at 100 dpi that is 1000 x 500 pixels
CHART_DPI = 100
CSV_HEADER = ("member_id", "track", "milestone", "completed_at")


def funnel_png(stats: GuildStats, title: str = "Members per milestone") -> bytes:
    """A horizontal bar chart of members per milestone, in roadmap order, numbers beside bars."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    labels = [c.milestone.title for c in stats.per_milestone]
    counts = [c.members for c in stats.per_milestone]
    fig, ax = plt.subplots(figsize=CHART_SIZE, dpi=CHART_DPI)
    try:
        positions = range(len(labels))
        bars = ax.barh(list(positions), counts, color="#2B7A78")
        ax.set_yticks(list(positions), labels=[_short(label) for label in labels])
        ax.invert_yaxis()
        ax.set_xlabel("members who completed it")
        ax.set_title(f"{title} ({plural(stats.members, 'member')} with progress)")
        ax.bar_label(bars, labels=[str(c) for c in counts], padding=3)
        ax.set_xlim(0, max([*counts, 1]) * 1.15)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # members are counted, never fractions
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=CHART_DPI)
        return buffer.getvalue()
    finally:
        plt.close(fig)


def plural(count: int, word: str) -> str:
    """``1 member``, ``2 members``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _short(label: str, width: int = 38) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def funnel_text(stats: GuildStats) -> str:
    lines = [f"{c.members:>5}  {c.milestone.title}" for c in stats.per_milestone]
    if stats.retired:
        lines += [f"{n:>5}  {mid} (retired)" for mid, n in stats.retired.items()]
    return "\n".join(lines)


def daily_series(counts: dict[date, int], start: date, days: int) -> list[tuple[date, int]]:
    """Every day from ``start`` for ``days`` days, zero where nothing happened."""
    return [
        (day, counts.get(day, 0)) for day in (date.fromordinal(start.toordinal() + i) for i in range(days))
    ]


def sparkline(values: Sequence[int]) -> str:
    """A one-line chart of counts, for embeds and terminals."""
    ticks = "▁▂▃▄▅▆▇█"
    top = max(values, default=0)
    if top == 0:
        return ticks[0] * len(values)
    return "".join(ticks[min(len(ticks) - 1, v * (len(ticks) - 1) // top)] for v in values)


def progress_csv(rows: Iterable[ProgressRow]) -> str:
    """CSV of every completion: member id (as text), track, milestone, completed at (UTC)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow((str(row.member_id), row.track_id or "", row.milestone_id, row.completed_at))
    return buffer.getvalue()
