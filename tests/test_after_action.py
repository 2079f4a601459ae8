"""`rrbot report`: the after-action page, self-contained and with no personal data."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from bot.after_action import page
from bot.app import App
from bot.config import load_config
from tests.conftest import EXAMPLE_CONFIG, ROOT
from tests.core.test_retention import rrbot
from tests.core.test_stats import a_week
from tests.fakes.chat import ChatHarness
from tests.fakes.clock import FakeClock
from tests.storage.test_crypto import SECRETS


async def test_the_page_shows_the_numbers_and_charts_and_fetches_nothing(
    chat: ChatHarness, clock: FakeClock
) -> None:
    await a_week(chat, clock)
    found = await chat.app.stats.numbers(timedelta(days=30))
    text = page(found, chat.app.renderer, "en")
    assert "<h1>After-action report</h1>" in text
    assert "<td>Reports</td><td class=n>6</td>" in text
    assert "<td>confirmed</td><td class=n>1 (17%)</td>" in text
    assert "<td>Time to claim</td><td class=n>no claims recorded</td>" in text
    assert "median 12 minutes, 9 in 10 within 40 minutes" in text
    assert text.count("<svg") == 2  # per day, time to decide
    assert "No areas recognised: every report went to the whole network." in text
    # Self-contained: nothing to fetch, no script, no font.
    assert not re.search(r"(?i)<script|<link|@import|url\((?!#)|src=|href=\"(?!#)", text)
    addresses = re.findall(r'[\w:]+="?https?://[^" >]*', text)
    assert set(addresses) <= {
        'xmlns="http://www.w3.org/2000/svg',
        'xmlns:xlink="http://www.w3.org/1999/xlink',
    }, addresses  # names of the SVG vocabulary, never fetched
    assert "default-src 'none'" in text


async def test_the_page_is_in_the_language_asked_for(chat: ChatHarness, clock: FakeClock) -> None:
    await a_week(chat, clock)
    found = await chat.app.stats.numbers(timedelta(days=30))
    text = page(found, chat.app.renderer, "es")
    assert '<html lang="es"' in text
    assert "<h1>Informe posterior a la acción</h1>" in text
    assert "<td>Reportes</td><td class=n>6</td>" in text
    assert "no hay registros de quién lo tomó" in text
    assert "Minutos desde el reporte hasta la decisión" in text
    # The tester's `rrbot report --lang es`: no heading, label or caption left in English.
    assert "<h2>Reportes por día, según cómo terminaron</h2>" in text
    assert "<h2>Reportes por zona</h2>" in text
    english = page(found, chat.app.renderer, "en")
    tags = r"<(h1|h2|td|p class=\w+|span)>(?:<i[^>]*></i>)?([^<]*[A-Za-z][^<]*)<"
    shown = re.findall(tags, english)
    assert len(shown) > 10
    left = [words for _tag, words in shown if f">{words}<" in text and not words.isdigit()]
    assert left == [], left


async def test_an_empty_stretch_says_so_instead_of_drawing_zeros(app: App) -> None:
    found = await app.stats.numbers(timedelta(days=7))
    text = page(found, app.renderer, "en")
    assert "<svg" not in text
    assert "No reports." in text and "no decisions yet" in text and "no claims recorded" in text


async def test_the_page_of_a_seized_style_day_reveals_no_personal_data(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The seizure scan of the database (tests/storage/test_crypto.py), on the page: the
    same day of reports, people and tasks, and none of its secrets, names or places."""
    from tests.core.test_router import dm, say

    app = await App.start(load_config(EXAMPLE_CONFIG), tmp_path / "s.sqlite3", clock)
    try:
        await say(app, "dee", "/report where: 5th & Main; what: arrests")
        await say(app, "ben", "/verify R1")
        phone = await app.members.identify("console", "+15550109876")
        await say(app, phone, "/report where: 742 Evergreen Terrace; what: agents knocking")
        await say(
            app,
            "dee",
            "/report where: 742 Evergreen Terrace; what: agents knocking at the blue door",
        )
        await say(app, "ben", "/dismiss R2 routine")
        await say(
            app,
            "ana",
            "/detained R1 name: Xochiquetzal Oyelaran; dob: 1985-02-11; "
            "contact: Marisol Oyelaran; relation: sister; phone: +1 555 010 7733; "
            "children: Escuela Benito Juarez; pickup: 3h; notes: insulin twice a day",
            dm("ana"),
        )
        await say(
            app,
            "ana",
            "/task add call Tobiah Marchetti-Oyelaran's lawyer, +1 555 019 4432; person: P1",
            dm("ana"),
        )
        await say(app, "ana", "/task assign T4 dee", dm("ana"))
        await say(app, "dee", "/task accept T4", dm("dee"))
        await say(app, "dee", "/task done T4 kids are with their aunt Nayeli", dm("dee"))
        found = await app.stats.numbers(timedelta(days=30))
        assert found.people == 1 and found.total == 2
        pages = [page(found, app.renderer, language) for language in app.network.languages]
    finally:
        await app.close()
    names = ["ana", "ben", "cruz", "dee", "eli", "Main", "Evergreen", "blue door", "arrests"]
    for text in pages:
        words = set(re.findall(r"\w+", re.sub(r"<svg.*?</svg>", "", text, flags=re.DOTALL)))
        for secret in [*SECRETS, *names]:
            assert secret not in text if " " in secret else secret not in words, secret
        assert "knocking" not in text and "+1" not in text


def test_rrbot_report_without_a_config_says_how_to_name_one(tmp_path: Path) -> None:
    # The tester's line, typed where there is no config.toml.
    lost = rrbot("report", "--since", "30d", "--out", "aa.html", cwd=tmp_path)
    assert lost.returncode == 2 and "config.toml: config file not found" in lost.stderr
    assert "rrbot report --config config.example.toml --db data/rrbot.sqlite3" in lost.stderr, (
        lost.stderr
    )
    assert "Traceback" not in lost.stderr and not (tmp_path / "aa.html").exists()
    spanish = rrbot("report", "--since", "30d", "--out", "aa.html", "--lang", "es", cwd=tmp_path)
    assert "--config config.example.toml --db data/rrbot.sqlite3" in spanish.stderr
    # The README's example names both, as the quick start's console made them.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--config config.example.toml --db data/rrbot.sqlite3 --lang es" in readme
    assert "--db data/rrbot.sqlite3" in (ROOT / "dev.py").read_text(encoding="utf-8").replace(
        '"--db", str(ROOT / "data" / "rrbot.sqlite3")', "--db data/rrbot.sqlite3"
    )


def test_rrbot_report_writes_the_page(tmp_path: Path) -> None:
    config = ROOT / "config.example.toml"
    db = tmp_path / "r.sqlite3"
    missing = rrbot("report", "--config", str(config), "--db", str(db), cwd=tmp_path)
    assert missing.returncode == 2 and "there is no database at" in missing.stderr
    assert not db.exists()
    made = rrbot("console", "--config", str(config), "--db", str(db), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    out = tmp_path / "after-action.html"
    done = rrbot(
        "report", "--since", "30d", "--out", str(out), "--config", str(config), "--db", str(db),
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"wrote {out} (0 reports from" in done.stdout
    week = rrbot("report", "--since", "2026-11-01", "--until", "2026-11-07", "--out", str(out),
                 "--config", str(config), "--db", str(db), cwd=tmp_path)  # fmt: skip
    assert "(0 reports from 2026-11-01 00:00 to 2026-11-08 00:00;" in week.stdout, week.stderr
    backwards = rrbot("report", "--since", "2026-11-08", "--until", "2026-11-01",
                      "--config", str(config), "--db", str(db), cwd=tmp_path)  # fmt: skip
    assert backwards.returncode == 2 and "is not before --until" in backwards.stderr
    assert "<h1>After-action report</h1>" in out.read_text(encoding="utf-8")
    assert out.stat().st_mode & 0o077 == 0  # the operator's alone, like the database
    out.chmod(0o644)  # an older copy someone opened up is made private again
    again = rrbot("report", "--out", str(out), "--config", str(config), "--db", str(db),
                  cwd=tmp_path)  # fmt: skip
    assert again.returncode == 0 and out.stat().st_mode & 0o077 == 0
    nowhere = rrbot("report", "--out", str(tmp_path / "no" / "such.html"), "--config",
                    str(config), "--db", str(db), cwd=tmp_path)  # fmt: skip
    assert nowhere.returncode == 2 and "cannot write" in nowhere.stderr
    assert nowhere.stderr.count("\n") == 1  # one line, no traceback
    bad = rrbot("report", "--since", "soon", "--config", str(config), "--db", str(db), cwd=tmp_path)
    assert (
        bad.returncode == 2
        and "--since soon: give a length of time, like 7d or 30d, or a day" in bad.stderr
    )
