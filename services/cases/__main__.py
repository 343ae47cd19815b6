"""Runs the cases service: python -m services.cases."""

from services.kit.server import main

main("cases")
