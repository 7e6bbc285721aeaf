import pytest
from django.db import connection

from tracker.collection_io.backup import backup_chunks
from tracker.collection_io.exporting import csv_lines
from tracker.models import DVD
from tracker.tests.factories import DVDFactory

# No test-wide transaction: what is checked is the transaction the export opens itself.
pytestmark = pytest.mark.django_db(transaction=True)

# Each export, with its chunks before the first DVD and after the last.
EXPORTS = {"csv": (csv_lines, 2, 0), "json": (backup_chunks, 1, 1)}


@pytest.mark.parametrize("kind", list(EXPORTS))
def test_the_export_reads_its_rows_in_one_transaction_while_it_streams(user, kind):
    """The rows are read inside a transaction, which ends with the last one (a cursor outside one is WITH HOLD)."""
    DVDFactory.create_batch(3, owner=user)
    export, preamble, trailer = EXPORTS[kind]
    chunks = export(DVD.objects.for_user(user))
    for _ in range(preamble + 1):
        next(chunks)
    assert connection.in_atomic_block
    assert len(list(chunks)) == 2 + trailer
    assert not connection.in_atomic_block


@pytest.mark.postgres
@pytest.mark.parametrize("kind", list(EXPORTS))
def test_on_postgresql_the_exports_cursor_is_not_computed_before_it_is_read(user, kind):
    """The export's server-side cursor is not WITH HOLD: PostgreSQL hands its first rows over at once."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    DVDFactory.create_batch(3, owner=user)
    export, preamble, _ = EXPORTS[kind]
    chunks = export(DVD.objects.for_user(user))
    for _ in range(preamble + 1):
        next(chunks)
    with connection.cursor() as cursor:
        cursor.execute("SELECT is_holdable FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
        assert cursor.fetchall() == [(False,)]
    chunks.close()
