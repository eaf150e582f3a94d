"""The project's settings with the bench's URLconf: every product URL, plus the bare signed-in view the benchmarks
compare pages against. Never used by the product or its tests."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
