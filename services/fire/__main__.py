"""Runs the fire service: python -m services.fire."""

from services.kit.server import main

main("fire")
