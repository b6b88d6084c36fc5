"""ChargeDesk database layer: typed SQLAlchemy models (``db.models``), engine and session factories
(``db.engine``), UTC timestamps (``db.types``) and the packaged Alembic migrations (``db.migrate``).

Imports nothing of ChargeDesk's other packages.
"""
