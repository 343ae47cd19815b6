"""Alembic environment of the gateway's decision log: migrate on the connection the kit passes."""

from services.kit.migrations import run_env

run_env()
