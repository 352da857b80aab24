"""Settings of the benchmark server: production settings plus the bench-only routes."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
