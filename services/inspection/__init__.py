"""Pollution-source inspection: source inventory, four-level grid patrols, violations to cases, assessment."""
