"""Benchmarks: they print numbers, they assert nothing."""
