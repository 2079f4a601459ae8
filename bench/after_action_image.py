"""Make docs/after-action-example.png, the README's picture of `rrbot report`'s page.

A seeded demo database (bench/after_action_demo.py: 1,500 made-up reports in 30 days) is
read the way `rrbot report` reads it; the picture shows the page's title, its figures
and its first two charts, drawn by the page's own chart functions. Run it again after
changing the page: `.venv/bin/python bench/after_action_image.py`.
"""

from __future__ import annotations

import asyncio
import html
import io
import re
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matplotlib.figure import Figure
from PIL import Image

from bench.after_action_demo import NOW, ROOT, seed
from bot.after_action import _figures, per_day_figure, times_figure
from bot.app import App
from bot.config import load_config
from bot.core.stats import OUTCOMES, outcome_name
from bot.i18n import Text
from tests.fakes.clock import FakeClock

OUT = ROOT / "docs" / "after-action-example.png"
DPI = 64


def _png(figure: Figure) -> Image.Image:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _text(lines: list[tuple[str, float, str]], height: float) -> Image.Image:
    figure = Figure(figsize=(9, height), dpi=DPI)
    y = 0.92
    for text, size, weight in lines:
        figure.text(0.02, y, text, fontsize=size, fontweight=weight, va="top")
        y -= (size + 6) / (height * 72)
    return _png(figure)


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "demo.sqlite3"
        await seed(path, 1_500)
        app = await App.start(load_config(ROOT / "config.example.toml"), path, FakeClock(NOW))
        try:
            found = await app.stats.numbers(timedelta(days=30))

            def t(text: Text) -> str:
                return html.escape(app.renderer.render(text, "en"))

            rows = re.findall(r"<tr><td>(.*?)</td><td class=n>(.*?)</td></tr>", _figures(found, t))
            spans = [
                r.decided_at - r.created_at
                for r in found.reports
                if r.decided_at is not None and r.decided_by_member
            ]
            names = {o: app.renderer.render(outcome_name(o), "en") for o in OUTCOMES}
            parts = [
                _text(
                    [("After-action report (demo data: 30 days)", 16, "bold")]
                    + [(f"{html.unescape(a)}: {html.unescape(b)}", 10, "normal") for a, b in rows],
                    3.3,
                ),
                _text([("Reports per day, by how they ended", 12, "bold")], 0.45),
                _png(per_day_figure(found, app.network.zone, "en", names)),
                _text([("Time to decide (minutes)", 12, "bold")], 0.45),
                _png(times_figure(spans)),
            ]
        finally:
            await app.close()
    width = max(part.width for part in parts)
    sheet = Image.new("RGB", (width, sum(part.height for part in parts)), "white")
    top = 0
    for part in parts:
        sheet.paste(part, (0, top))
        top += part.height
    sheet.quantize(colors=48).save(OUT, optimize=True)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    asyncio.run(main())
