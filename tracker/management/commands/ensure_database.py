"""Create the PostgreSQL database DATABASE_URL names, when it does not exist yet (for `make prod`)."""

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database named by DATABASE_URL if it is missing (needs the CREATEDB right)."

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write(f"Nothing to create: the database is {connection.vendor}, not PostgreSQL.")
            return
        params = connection.get_connection_params()
        name = params.pop("dbname")
        # Connect to the maintenance database: the one we want may not exist yet.
        maintenance = {key: value for key, value in params.items() if key in ("host", "port", "user", "password")}
        try:
            with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=10, **maintenance) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                    self.stdout.write(f"Database {name} exists.")
                    return
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as exc:
            raise CommandError(f"Could not create the database {name}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Created database {name}."))
