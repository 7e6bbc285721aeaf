"""The app's settings plus the benchmark's URLs (a trivial view to compare pages against).

Only the benchmark's own processes use this module; the app never routes to bench/.
"""

from dvdtracker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
