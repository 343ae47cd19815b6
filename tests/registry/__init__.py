"""Tests of the household registry service."""
