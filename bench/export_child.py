"""One export, downloaded through the app's own view in this process, for bench/scale.py to measure.

    python -m bench.export_child csv|json USERNAME

Run as a child process with the benchmark's environment, so that its peak RSS is the export's
alone. Reads the streamed response a chunk at a time, as a client would, and prints JSON: the
seconds to the first chunk holding a DVD, to the end, the bytes and the DVDs.
"""

import json
import sys
import time

PATHS = {"csv": "/export/collection.csv", "json": "/export/collection.json"}


def main(argv=None):
    kind, username = argv or sys.argv[1:]
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    started = time.perf_counter()
    response = client.get(PATHS[kind])
    first_dvd = None
    size = dvds = 0
    # The CSV's lines after its heading, the backup's lines after its opening: one DVD each.
    marker = b"\n" if kind == "csv" else b'{"id": '
    for chunk in response.streaming_content:
        size += len(chunk)
        found = chunk.count(marker)
        if found and first_dvd is None and (kind == "json" or dvds + found > 1):
            first_dvd = time.perf_counter() - started
        dvds += found
    elapsed = time.perf_counter() - started
    print(
        json.dumps(
            {
                "status": response.status_code,
                "streaming": response.streaming,
                "first_dvd_s": first_dvd,
                "seconds": elapsed,
                "bytes": size,
                "dvds": dvds - 1 if kind == "csv" else dvds,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
