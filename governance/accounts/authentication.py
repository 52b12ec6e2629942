from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models.expressions import Col
from django.utils import timezone
from rest_framework import authentication, exceptions

from .models import ApiToken, Membership, Organisation, hash_token
from .tenancy import remember_memberships


def _converters(connection, fields) -> list[tuple[Col, list]]:
    """What the ORM would apply to each column's raw value (SQLite returns datetimes as text,
    for one), so the instances built here equal those of a queryset."""
    result = []
    for field in fields:
        column = Col(field.model._meta.db_table, field)
        functions = connection.ops.get_db_converters(column)
        result.append((column, functions + column.get_db_converters(connection)))
    return result


def _convert(row, converters, connection) -> list:
    values = list(row)
    for i, (column, functions) in enumerate(converters):
        for function in functions:
            values[i] = function(values[i], column, connection)
    return values


@cache
def _lookup_sql(vendor: str) -> tuple[str, list[str], list[str]]:
    """One query for the token, its user and the user's memberships with their data
    versions, written from the models' metadata.

    Token requests are the API's hot path. Two ORM queries (token with user, then the
    memberships) cost about ten times the CPU of this one statement, mostly in building
    and compiling the querysets, which was more than half of a cached list response.
    """
    from django.db import connection

    def qn(name: str | None) -> str:
        # Every name here is a table's or a concrete field's column, which always exist.
        assert name is not None
        return connection.ops.quote_name(name)

    token, user, membership, organisation = (
        ApiToken._meta,
        get_user_model()._meta,
        Membership._meta,
        Organisation._meta,
    )
    token_fields = [f.attname for f in token.concrete_fields]
    user_fields = [f.attname for f in user.concrete_fields]
    user_pk = qn(user.pk.column)
    m_org = qn(membership.get_field("organisation").column)
    columns = [f"t.{qn(f.column)}" for f in token.concrete_fields]
    columns += [f"u.{qn(f.column)}" for f in user.concrete_fields]
    columns += [
        f"m.{m_org}",
        f"m.{qn(membership.get_field('role').column)}",
        f"o.{qn(organisation.get_field('data_version').column)}",
    ]
    joins = [
        f"JOIN {qn(user.db_table)} u ON u.{user_pk} = t.{qn(token.get_field('user').column)}",
        f"LEFT JOIN {qn(membership.db_table)} m "
        f"ON m.{qn(membership.get_field('user').column)} = u.{user_pk}",
        f"LEFT JOIN {qn(organisation.db_table)} o ON o.{qn(organisation.pk.column)} = m.{m_org}",
    ]
    # Only quoted names from the models' metadata go into the text; the secret's hash is a
    # parameter.
    sql = (
        f"SELECT {', '.join(columns)} FROM {qn(token.db_table)} t {' '.join(joins)} "  # noqa: S608
        f"WHERE t.{qn(token.get_field('key_hash').column)} = %s"
    )
    return sql, token_fields, user_fields


@cache
def _lookup_converters(alias: str) -> tuple[list, list]:
    connection = connections[alias]
    return (
        _converters(connection, ApiToken._meta.concrete_fields),
        _converters(connection, get_user_model()._meta.concrete_fields),
    )


def token_with_memberships(key: str, using: str = "default") -> ApiToken | None:
    """The token for this secret with `.user` loaded and the user's memberships remembered
    (see tenancy.memberships_of), or None."""
    connection = connections[using]
    sql, token_fields, user_fields = _lookup_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [hash_token(key)])
        rows = cursor.fetchall()
    if not rows:
        return None
    first = rows[0]
    n_token, n_user = len(token_fields), len(user_fields)
    token_converters, user_converters = _lookup_converters(using)
    token = ApiToken.from_db(
        using, token_fields, _convert(first[:n_token], token_converters, connection)
    )
    user = get_user_model().from_db(
        using,
        user_fields,
        _convert(first[n_token : n_token + n_user], user_converters, connection),
    )
    token.user = user
    # Database adapters return raw values here; the role and version need no conversion,
    # the rows without a membership (LEFT JOIN) are dropped.
    remember_memberships(
        user, [row[n_token + n_user :] for row in rows if row[n_token + n_user] is not None]
    )
    return token


class ApiTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <secret>` against hashed, revocable tokens."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = token_with_memberships(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        now = timezone.now()
        # Touch last_used at most once a minute: a write per request would cost more than the read.
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
