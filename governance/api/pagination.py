"""Page-number pagination whose page and total come from one query.

DRF's default pagination runs `SELECT COUNT(*)` and then the page query. Here the page query
carries `COUNT(*) OVER ()`, so a list request costs one query for its rows and total,
whatever the page size; the separate count runs only for a page past the end, where no row
can carry it.
"""

from __future__ import annotations

from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, QuerySet, Window
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

TOTAL = "pagination_total"
# OFFSET is a 64-bit integer in SQLite and PostgreSQL; a page past it cannot exist.
MAX_OFFSET = 2**62


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        if (
            not isinstance(queryset, QuerySet)
            or queryset.query.distinct
            or queryset.query.combinator
        ):
            return super().paginate_queryset(queryset, request, view)
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        raw = request.query_params.get(self.page_query_param) or 1
        try:
            number = int(raw)
        except (TypeError, ValueError):
            number = 0
        if number < 1 or (number - 1) * page_size > MAX_OFFSET:
            raise NotFound(
                self.invalid_page_message.format(page_number=raw, message="Invalid page.")
            )
        offset = (number - 1) * page_size
        rows = list(queryset.annotate(**{TOTAL: Window(Count("*"))})[offset : offset + page_size])
        total = getattr(rows[0], TOTAL) if rows else queryset.count()
        paginator: Paginator[object] = Paginator([], page_size)
        # The total is known already; seed Paginator.count (a cached property) with it.
        paginator.__dict__["count"] = total
        try:
            self.page = paginator.page(number)
        except InvalidPage as exc:
            raise NotFound(
                self.invalid_page_message.format(page_number=raw, message=str(exc))
            ) from exc
        self.page.object_list = rows
        return rows
