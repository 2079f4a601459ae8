"""The SQLite implementation of the core's storage seam (`bot.core.store`): the database,
its migrations, one repository per aggregate, field encryption and the retention rules."""
