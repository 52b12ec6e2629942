"""Bulk writes that cost one statement per table and batch, whatever the number of rows.

On PostgreSQL, values travel as binary arrays through unnest() with server-side binding:
Django's bulk_update builds a CASE WHEN per row and field, which for a batch of 100 answers
cost more CPU than the rest of the request, and its client-side binding escapes every JSON
document in Python, which for score results (~40 kB each) costs more than computing them.
Other databases use Django's bulk_create / bulk_update.
"""

from __future__ import annotations

import time

from django.db import connection


def _cast(field) -> str:
    db_type = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
    return db_type.split("(")[0] + "[]"  # varchar(300)[] → varchar[]: arrays carry no length


def _execute_binary(sql: str, params: list) -> list[tuple]:
    import psycopg

    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description else []
    if connection.queries_logged:
        # Counted like every other query (the benchmark and the tests count queries).
        connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
    return rows


def bulk_insert(model, objs: list) -> None:
    if len(objs) < 2 or connection.vendor != "postgresql":
        model.objects.bulk_create(objs)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    params = [
        [f.get_db_prep_save(f.pre_save(obj, True), connection) for obj in objs] for f in fields
    ]
    # Only model metadata (quoted table and column names) is formatted in; values are params.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"SELECT * FROM unnest({', '.join(f'%b::{_cast(f)}' for f in fields)}) "
        f"RETURNING {quote(meta.pk.column)}"
    )
    rows = _execute_binary(sql, params)
    for obj, (pk,) in zip(objs, rows, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def bulk_update(model, objs: list, fields: list[str]) -> None:
    if not objs:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields)
        return
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    params = [[obj.pk for obj in objs]] + [
        [c.get_db_prep_save(getattr(obj, c.attname), connection) for obj in objs] for c in columns
    ]
    names = ", ".join(["pk_", *(quote(c.column) for c in columns)])
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET "  # noqa: S608
        + ", ".join(f"{quote(c.column)} = v.{quote(c.column)}" for c in columns)
        + f" FROM unnest(%b::{_cast(meta.pk)}, "
        + ", ".join(f"%b::{_cast(c)}" for c in columns)
        + f") AS v({names}) WHERE t.{quote(meta.pk.column)} = v.pk_"
    )
    _execute_binary(sql, params)
