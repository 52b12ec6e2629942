"""Cached list responses, keyed by the data versions of the caller's organisations.

A list response depends only on the rows of the organisations the caller belongs to and on
the query string. The key therefore holds those organisations' data versions (read in the
same query as the memberships, see accounts/versioning.py), so a cached page is never
served after a change to its data committed: the change raises the version and the next
request computes, and caches, a fresh page. Nothing is ever invalidated by hand.

A hit costs the authentication and membership queries and one cache read; the page query,
model instances and JSON encoding are skipped. The key doubles as a strong ETag: a client
that sends it back in If-None-Match gets a 304 with no body while nothing changed.

Only lists whose every write raises the version may use this: rows saved or deleted
through the ORM, audited service writes, and the scoring pipeline's bulk writes do. Job
states written by conditional UPDATEs (a report rendering, an assessment being scored) do
not, so lists that show them are not cached.

The cache is an optimisation only: while Redis is unreachable, pages are computed as if it
were off (see governance/resilience.py).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

from governance.accounts.tenancy import data_versions_of
from governance.resilience import redis_breaker

if TYPE_CHECKING:
    # What the mixin is mixed into; at run time it is a plain class.
    from rest_framework.generics import GenericAPIView
    from rest_framework.mixins import ListModelMixin

    class _ListView(ListModelMixin, GenericAPIView): ...

else:
    _ListView = object

# Part of every key, so a release that changes a representation never serves the old one.
REPRESENTATION_VERSION = "1"


class CachedListMixin(_ListView):
    def list_cache_key(self, request) -> str | None:
        seconds = settings.API_LIST_CACHE_SECONDS
        renderer = getattr(request, "accepted_renderer", None)
        if not seconds or request.method != "GET" or renderer is None or renderer.format != "json":
            return None  # the browsable API renders per user; only JSON is shared
        versions = sorted(data_versions_of(request.user).items())
        query = sorted(request.query_params.lists())
        # The page's next/previous links are absolute: scheme and host are part of the page.
        where = request.build_absolute_uri(request.path)
        material = repr((REPRESENTATION_VERSION, where, query, versions, renderer.media_type))
        return hashlib.sha256(material.encode()).hexdigest()[:40]

    def list(self, request, *args, **kwargs):
        key = self.list_cache_key(request)
        if key is None:
            return super().list(request, *args, **kwargs)
        etag = f'"{key}"'
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            return self._mark(HttpResponseNotModified(), etag)
        cache_key = f"api-list:{key}"
        # While Redis is unreachable every request computes its page, as with the cache off.
        body = redis_breaker.call("list cache", lambda: cache.get(cache_key), None)
        if body is None:
            response = super().list(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            # Rendered here, as Response.render would, so the bytes can be kept.
            body = request.accepted_renderer.render(
                response.data, request.accepted_media_type, self.get_renderer_context()
            )
            redis_breaker.call(
                "list cache",
                lambda: cache.set(cache_key, body, settings.API_LIST_CACHE_SECONDS),
                None,
            )
        return self._mark(
            HttpResponse(body, content_type=request.accepted_renderer.media_type), etag
        )

    @staticmethod
    def _mark(response, etag: str):
        response["ETag"] = etag
        # The body depends on who asks: shared caches must not keep it, and clients should
        # revalidate (cheaply, with If-None-Match) rather than reuse it blindly.
        response["Cache-Control"] = "private, no-cache"
        patch_vary_headers(response, ("Authorization", "Cookie"))
        return response
