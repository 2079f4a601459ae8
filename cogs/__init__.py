"""The Discord front end, all of it in one place.

- `client.py`: the discord.py bot; starts the core in `setup_hook`, adds the cogs and the
  persistent buttons, runs the Discord delivery worker, closes cleanly.
- `frontend.py`: what every handler needs (who is acting, their roles, how to answer:
  Discord first, before any database work, then the result as a follow-up), in the
  server and in a direct message with the bot, and where commands are offered.
- `reports.py`, `tasks.py`, `info.py`: the cogs (slash commands and forms). Thin: they
  parse, call `bot.core.actions`, and show the replies; no rule lives here.
- `forms.py`: forms that any process can take, before or after a restart (`FormsCog`
  handles every submission from `on_interaction`).
- `messages.py`: direct messages and @-mentions, answered by the same text grammar as
  Signal and the console (`bot.core.router`).
- `views.py`: buttons that outlive a restart (verify, dismiss, accept, decline); the
  buttons that reopen forms ("Add the place", "Fix and send again") are in `reports.py`.
- `sender.py`: posts outbox rows to channels and DMs, edits cards (every part of a
  split one), splits long text.
- `text.py`: escaping people's text for Discord; `translator.py`, `describe.py`: command
  names and descriptions in the member's language.

Imports run one way: client -> cogs -> frontend/views/text -> bot.core.
"""
