"""The Discord front end: slash commands, the report form, verification buttons, delivery."""
