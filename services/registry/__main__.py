"""Runs the registry service: python -m services.registry."""

from services.kit.server import main

main("registry")
