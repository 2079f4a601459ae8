"""The stranger's privacy findings (fixes round F) on Discord: a callback typed in the
report form without its colon, or any phone number in it, never reaches a channel, and
a caller's home is alerted as its block."""

from __future__ import annotations

from tests.cogs.conftest import Rig
from tests.cogs.test_reports_flow import file_report, press
from tests.fakes import discord as fakes
from tests.fakes.discord import replies_of


def channels(rig: Rig) -> str:
    return "\n".join(
        "\n".join(rig.channels[channel].contents)
        for channel in (fakes.ORGANIZER_CHANNEL, fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL)
    )


async def test_a_callback_in_the_form_never_reaches_a_channel(rig: Rig) -> None:
    submit = await file_report(
        rig,
        values={
            "where": "",
            "what": "caller says 2 ice vans at broadway & 1st, agents grabbing ppl. "
            "callback 213 555 0147",
            "agency": "",
            "signs": "",
            "source": "",
        },
    )
    [receipt] = replies_of(submit)
    assert "Report R1 is with the verifiers" in receipt
    await rig.deliver()
    card = rig.channels[fakes.ORGANIZER_CHANNEL].contents[0]
    assert "What: caller says 2 ice vans at broadway & 1st, agents grabbing ppl." in card
    await press(rig, "verifier", "verify:report:1")
    await rig.deliver()
    [alert] = rig.channels[fakes.ALERTS_CHANNEL].contents
    assert alert.startswith("VERIFIED ALERT R1")
    assert "555 0147" not in channels(rig) and "5550147" not in channels(rig)


async def test_a_callers_home_and_number_in_spanish_on_discord(rig: Rig) -> None:
    await file_report(
        rig,
        values={
            "where": "",
            "what": "llamó una señora, la migra está en su casa 455 calle pino, tocando. "
            "su cel 213 555 0122",
            "agency": "",
            "signs": "",
            "source": "",
        },
    )
    await rig.deliver()
    card = rig.channels[fakes.ORGANIZER_CHANNEL].contents[0]
    assert "This reads as someone's home" in card
    assert "su cel [phone number removed]" in card
    await press(rig, "verifier", "verify:report:1")
    await rig.deliver()
    [alerta] = rig.channels[fakes.ALERTAS_CHANNEL].contents
    assert "Dónde: cuadra 400 de calle pino" in alerta
    assert "455" not in alerta and "su casa" not in alerta
    assert "0122" not in channels(rig)
