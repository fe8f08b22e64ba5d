"""How hard hypothesis tries: a fixed, derandomized budget in `make test`, a larger random one in `make explore`."""

from __future__ import annotations

import os

from hypothesis import settings

FACTOR = max(1, int(os.environ.get("JIEBANG_EXPLORE_FACTOR", "1")))

settings.register_profile("derandomized", derandomize=True, database=None, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "derandomized"))


def examples(n: int) -> int:
    """The number of examples a property test draws: n in `make test`, n × the factor when exploring."""
    return n * FACTOR
