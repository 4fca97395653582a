"""Multi-row INSERTs of plain values, for the demo's largest tables at national scale (about 775,000 module
choices, 97,000 signatures and their audit events for 50,000 practices).

bulk_create builds a model instance per row and runs its per-object save preparation, which at this size
costs more than the database does; here each value only goes through its field's get_db_prep_save, so it is
stored exactly as the ORM would store it, on PostgreSQL and on SQLite alike. Only for rows the caller has
complete: every column without a database default, auto_now_add values included; nothing is returned.
"""

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models

ROWS_PER_STATEMENT = 1_000  # well under SQLite's 32,766 parameters for the widest table here
# Values these fields store as they are (ids, text); every other field prepares its values itself.
_STORED_AS_IS = (models.AutoField, models.BigAutoField, models.ForeignKey, models.IntegerField, models.CharField,
                 models.TextField)


def insert_rows(model, field_names: Sequence[str], rows: Iterable[Sequence]) -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    fields = [model._meta.get_field(name) for name in field_names]
    prepare = [None if isinstance(f, _STORED_AS_IS) else f for f in fields]
    quote = connection.ops.quote_name
    # Table and column names come from the model, quoted; every value goes as a parameter.
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    rows = list(rows)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start:start + ROWS_PER_STATEMENT]
            params = [value if field is None or value is None else field.get_db_prep_save(value, connection)
                      for row in chunk for field, value in zip(prepare, row, strict=True)]
            cursor.execute(head + ", ".join([one] * len(chunk)), params)
    return len(rows)


def compress_quickly() -> None:
    """On PostgreSQL, compress the large values written in this transaction (the signed contents, some 3 KB
    each) with lz4 instead of pglz, which takes a third of the time; where the server lacks lz4 nothing
    changes. Must run inside the seed's transaction."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL default_toast_compression = 'lz4'")


def fresh_statistics(*models_read) -> None:
    """On PostgreSQL, statistics of the tables a step reads, as written so far in the seed's one transaction:
    without them the planner takes the freshly filled tables for empty and joins them row by row (minutes at
    50,000 practices). ANALYZE runs inside a transaction and sees its rows."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_read:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
