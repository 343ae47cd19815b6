"""Runs the inspection service: python -m services.inspection."""

from services.kit.server import main

main("inspection")
