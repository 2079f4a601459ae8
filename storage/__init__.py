"""Persistence: the SQLite database, its migrations and one repository per aggregate."""
