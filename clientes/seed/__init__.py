"""Realistic, deterministic Brazilian client data for demos, tests and benchmarks."""
