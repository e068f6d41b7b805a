"""Production settings for the benchmark: only where files go and (for one measurement) the rate limit differ.

Everything else — DEBUG off, whitenoise, the shared file cache, security middleware, CSP, axes — is
portal.settings.production as deployed.
"""

import os
from pathlib import Path

from portal.settings.production import *  # noqa: F403

# Uploaded documents of the generated site go to the benchmark's temporary folder, not the project's media/.
MEDIA_ROOT = Path(os.environ.get("BENCH_MEDIA_ROOT", MEDIA_ROOT))  # noqa: F405
# BENCH_RATELIMIT=off measures certificate lookups themselves rather than the rate limiter's 429 answers.
RATELIMIT_ENABLE = os.environ.get("BENCH_RATELIMIT", "on") != "off"
# The reference page (bench.models.BarePage) exists only in the benchmark's database.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
