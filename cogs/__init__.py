"""discord.py cogs (the Discord front end): thin layers that parse, call the core, render."""
