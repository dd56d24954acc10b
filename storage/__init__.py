"""Cobot's data: SQLModel tables, keyword-only query functions that take a session, the engine factory and the
Alembic migrations that own the schema. Nothing here knows about Slack or Teams."""
