"""Runs the notifier: python -m services.notifier."""

from services.kit.server import main

main("notifier")
