"""A migration operation for what only PostgreSQL has: pg_trgm's trigram indexes, NULLS LAST in an index.

SQLite builds its tables from the same migrations and has neither, so these indexes are not in the
model's Meta; the migration that creates them lists them.
"""

from django.db.migrations.operations.base import Operation


class PostgresOnly(Operation):
    """The wrapped operations' database changes, on PostgreSQL; nothing on any other database.

    The project state is left as it is: what they create is unknown to makemigrations, which
    therefore neither adds it again nor drops it.
    """

    reversible = True

    def __init__(self, *operations):
        self.operations = operations

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            for operation in self.operations:
                operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            for operation in reversed(self.operations):
                operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return "On PostgreSQL only: " + "; ".join(operation.describe() for operation in self.operations)
