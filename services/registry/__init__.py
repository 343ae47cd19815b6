"""The household registry service: people, places, organizations and the jurisdiction tree."""
