"""Local fake HTTP servers of the YTS, TMDB and barcode lookup APIs, on 127.0.0.1 only, for tests and benchmarks."""

__all__ = ["FakeTMDB", "FakeUPC", "FakeYTS"]


def __getattr__(name):
    # Imported lazily so that `python -m fakes.yts` does not load fakes.yts twice (runpy warns about that).
    if name == "FakeYTS":
        from fakes.yts import FakeYTS

        return FakeYTS
    if name == "FakeTMDB":
        from fakes.tmdb import FakeTMDB

        return FakeTMDB
    if name == "FakeUPC":
        from fakes.upc import FakeUPC

        return FakeUPC
    raise AttributeError(f"module 'fakes' has no attribute {name!r}")
