"""Pages of long lists that cost the same at row 50 and at row 5,000,000.

django-tables2's LazyPaginator never counts the list, but it reaches page N with OFFSET: the
database reads and throws away every row before the page. `KeysetPaginator` goes on from a row
instead (keyset or "seek" pagination): "the 50 rows after member 4711 in the list's order",
which an index in that order answers by reading 50 rows wherever they are. The links carry the
id of the row to go on from (`?after=4711`, `?before=4711`), never its values: no name of a
member ends up in a URL, a log or a browser's history.
"""

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db.models import CharField, F, Func, Q
from django.db.models.lookups import In
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.views.generic.list import ListView
from django_tables2 import LazyPaginator, RequestConfig, SingleTableMixin
from django_tables2.rows import BoundRows

# The most rows a page shows, whatever `?per_page=` asks.
MAX_PER_PAGE = 200
# The highest page number looked for: far beyond any list, and its OFFSET fits the databases'
# integers (99999999999999999999999 does not: OverflowError on SQLite).
MAX_PAGE = 10**9


def whole_number(text) -> int | None:
    """`text` as a whole number of 1 or more, else None. A number of more than 30 digits is
    read as 10**30 (int() refuses more than 4,300 digits; no page is that far anyway)."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text) if len(text) <= 30 else 10**30
    return number if number >= 1 else None


class BoundedRequestConfig(RequestConfig):
    """django-tables2's RequestConfig, with the request's `page` and `per_page` checked first.

    A `per_page` that is not a whole number of 1 or more is ignored (the list's own page
    size), a larger one than MAX_PER_PAGE is MAX_PER_PAGE; a `page` that is not a number from
    1 to MAX_PAGE gives the first page. django-tables2 handed `?per_page=-1` to the paginator
    (a server error) and `?page=99999999999999999999999` to the database (OverflowError on
    SQLite). A page beyond the end of the list is its last page (the first, for a list that is
    never counted), as in django-tables2.
    """

    def configure(self, table):
        if not self.paginate:
            return super().configure(table)
        table.request = self.request
        order_by = self.request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by
        kwargs = dict(self.paginate) if hasattr(self.paginate, "items") else {}
        kwargs.pop("silent", None)
        per_page = whole_number(self.request.GET.get(table.prefixed_per_page_field))
        if per_page is not None:
            kwargs["per_page"] = min(per_page, MAX_PER_PAGE)
        page = whole_number(self.request.GET.get(table.prefixed_page_field))
        kwargs["page"] = page if page is not None and page <= MAX_PAGE else 1
        try:
            table.paginate(**kwargs)
        except PageNotAnInteger:
            table.page = table.paginator.page(1)
        except EmptyPage:
            table.page = table.paginator.page(table.paginator.num_pages or 1)
        return table


class BoundedTableMixin(SingleTableMixin):
    """django-tables2's SingleTableMixin with the request's pagination checked
    (BoundedRequestConfig): every list of the portal stands on it."""

    def get_table(self, **kwargs):
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        config = BoundedRequestConfig(self.request, paginate=self.get_table_pagination(table))
        return config.configure(table)


class BoundedTableView(BoundedTableMixin, ListView):
    """django-tables2's SingleTableView on BoundedTableMixin."""


class NameKey(Func):
    """A name upper-cased and compared character code by character code: the members list's
    key before the stored keys of config/names.py (kept for the migrations that built its
    indexes).

    One B-tree index on (NameKey, id) then serves the list's order in both directions, a search
    by the beginning of the name and the keyset of deep pages. A prefix (`LIKE 'NGUYỄN%'`) is a
    range of a B-tree only under a byte-wise collation, hence COLLATE "C" on PostgreSQL whatever
    the database's own collation; SQLite compares text that way already.
    """

    function = "UPPER"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = self.as_sql(compiler, connection, **extra_context)
        # Parenthesized, so that a cast the ORM appends (`::text`) applies to the whole key.
        return f'({sql} COLLATE "C")', params


class InPage(In):
    """`pk IN (the page's ids)`, which PostgreSQL is given as `pk = ANY(ARRAY(ids))`: the ids
    are then read first, once, and their rows fetched by primary key. As a plain IN, the planner
    may read every row of the list's filters again to join them with the ids (100 ms instead of
    10 for a committee of 19,000 members)."""

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} = ANY(ARRAY{rhs_sql})", (*lhs_params, *rhs_params)


class BoundedLazyPaginator(LazyPaginator):
    """django-tables2's LazyPaginator (no COUNT(*)), with `?per_page=` capped so that no one
    loads a whole national list in one page."""

    MAX_PER_PAGE = MAX_PER_PAGE

    def __init__(self, object_list, per_page, *args, **kwargs):
        per_page = min(max(int(per_page), 1), self.MAX_PER_PAGE)
        super().__init__(object_list, per_page, *args, **kwargs)


class KeysetPage(Page):
    """A page that knows the query strings of its neighbours rather than their numbers."""

    def __init__(self, object_list, number, paginator, *, next_query=None, previous_query=None):
        super().__init__(object_list, number, paginator)
        self.next_query = next_query
        self.previous_query = previous_query
        self.first_query = paginator.query_string()

    def has_next(self):
        return self.next_query is not None

    def has_previous(self):
        return self.previous_query is not None


class KeysetPaginator(BoundedLazyPaginator):
    """Pages of a django-tables2 table that go on from the first or last row shown.

    The table's order (its sortable columns, else the queryset's) must be made of non-null
    fields or selected annotations; the primary key is added as the last key so that the order
    is total. Each page is read in two steps of one SQL statement: the ids of the page in the
    list's order (an index-only scan when an index covers the order and the filters), then
    those rows with their joins. `?page=N` still works for the first pages (up to `MAX_OFFSET`
    rows are skipped); further down only the cursors go.

    A cursor is checked against the list itself: a row the user may not see, or that left the
    list, gives the first page and a notice, never a row of someone else's.
    """

    MAX_OFFSET = 1000

    def page(self, number):
        table = self.object_list.table
        self.notice = ""
        self.request = getattr(table, "request", None)
        self.page_field = table.prefixed_page_field
        self.after_field = f"{table.prefix}after"
        self.before_field = f"{table.prefix}before"
        queryset = self.object_list.data.data
        self.keys = self.keyset(queryset)
        # RequestConfig hands over only whole page numbers: the cursors come from the request
        # it has put on the table.
        params = self.request.GET if self.request is not None else {}
        for field, backward in ((self.after_field, False), (self.before_field, True)):
            if params.get(field):
                return self.cursor_page(queryset, params[field], backward=backward)
        number = max(int(number or 1), 1)
        if (number - 1) * self.per_page > self.MAX_OFFSET:
            self.notice = _(
                "Pages are numbered up to %(last)s only; go further with “Next”, or narrow the "
                "list with the filters."
            ) % {"last": self.MAX_OFFSET // self.per_page + 1}
            return self.fetch_page(queryset)
        page = self.fetch_page(queryset, number=number)
        if not page.object_list and number > 1:
            return self.first_page_instead(queryset)
        return page

    def keyset(self, queryset):
        """The order as [(name, descending)], ending with the primary key."""
        query = queryset.query
        meta = query.get_meta()
        terms = list(query.order_by) or (list(meta.ordering) if query.default_ordering else [])
        keys = []
        for term in terms:
            if not isinstance(term, str):
                raise ImproperlyConfigured(f"KeysetPaginator: order by names only, not {term!r}.")
            name = term.lstrip("-")
            if name in ("pk", meta.pk.name):
                keys.append(("pk", term.startswith("-")))
                return keys
            if name not in query.annotation_select:
                try:
                    field = meta.get_field(name)
                except FieldDoesNotExist:
                    field = None
                if field is None or field.null or field.is_relation or not field.concrete:
                    raise ImproperlyConfigured(
                        f"KeysetPaginator: {meta.label}.{name} cannot be a key: keys are "
                        "non-null fields of the model or selected annotations."
                    )
            keys.append((name, term.startswith("-")))
        keys.append(("pk", keys[-1][1] if keys else False))
        return keys

    def order(self, backward=False):
        return [("-" if descending != backward else "") + name for name, descending in self.keys]

    def cursor_page(self, queryset, value, *, backward):
        try:
            pk = queryset.model._meta.pk.to_python(value)
        except ValidationError:
            return self.first_page_instead(queryset)
        # Looked up in the list itself, scoped and filtered like the rows shown: a row the user
        # may not see is no cursor (nor a way to learn where its name would stand).
        names = [name for name, _descending in self.keys]
        values = queryset.filter(pk=pk).values_list(*names).first()
        if values is None:
            return self.first_page_instead(queryset)
        page = self.fetch_page(queryset, after=values, backward=backward)
        return page if page.object_list else self.first_page_instead(queryset)

    def first_page_instead(self, queryset):
        self.notice = _("This page link is not valid any more; here is the first page of the list.")
        return self.fetch_page(queryset)

    def seek(self, values, backward):
        """Rows after `values` in the order (before them when `backward`).

        Written as `k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND k2 > v2))` so that the first key's
        range is an index condition rather than a filter on every row from the start."""
        condition = None
        for (name, descending), value in reversed(list(zip(self.keys, values, strict=True))):
            beyond = Q(**{f"{name}__{'lt' if descending != backward else 'gt'}": value})
            condition = beyond if condition is None else beyond | (Q(**{name: value}) & condition)
        (first, descending), start = self.keys[0], values[0]
        return Q(**{f"{first}__{'lte' if descending != backward else 'gte'}": start}) & condition

    def fetch_page(self, queryset, *, number=1, after=None, backward=False):
        """One page: the rows at `number`, or those after (before) the key values `after`."""
        order = self.order(backward)
        narrowed = queryset if after is None else queryset.filter(self.seek(after, backward))
        offset = (number - 1) * self.per_page
        # The ids first (an index-only scan when an index covers the order and the filters),
        # then only those rows with their joins: one statement.
        ids = narrowed.order_by(*order).values("pk")[offset : offset + self.per_page + 1]
        records = list(queryset.filter(InPage(F("pk"), ids)).order_by(*order))
        more = len(records) > self.per_page
        records = records[: self.per_page]
        if backward:
            records.reverse()
        next_query = previous_query = None
        if records and (more or backward):
            next_query = self.query_string(**{self.after_field: records[-1].pk})
        if records and after is not None and (more or not backward):
            previous_query = self.query_string(**{self.before_field: records[0].pk})
        elif after is None and number > 1:
            previous = {self.page_field: number - 1} if number > 2 else {}
            previous_query = self.query_string(**previous)
        rows = list(BoundRows(records, self.object_list.table, self.object_list.pinned_data))
        return KeysetPage(
            rows,
            number if after is None else None,
            self,
            next_query=next_query,
            previous_query=previous_query,
        )

    def query_string(self, **cursor):
        """The request's query string with this cursor (or page) in place of the current one."""
        params = self.request.GET.copy() if self.request is not None else QueryDict(mutable=True)
        for field in (self.page_field, self.after_field, self.before_field):
            params.pop(field, None)
        for field, value in cursor.items():
            params[field] = value
        return params.urlencode()
