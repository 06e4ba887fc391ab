"""Rendered fragments remembered by what they show: `{% load fragments %}`.

The report pages read their figures from the database on every request (the summary rows are
cheap to read); what costs is turning them into HTML (django-tables2 renders a cell in tens of
microseconds, a national page has hundreds). The same figures, in the same language, for the
same user always give the same HTML, so the HTML is kept in the cache under a fingerprint of
everything the fragment shows: the figures themselves, the request's URL (sorting, cursor)
and language, the user. A change of any figure changes the fingerprint, so a fragment is never
stale and nothing needs invalidating; old fragments simply age out of the cache.

    {% fragment "dashboard" committee now series children %}...{% endfragment %}
    {% render_table_fragment table %}

Only what is passed (or, for a table, its rows) is fingerprinted: a fragment must not show
anything else that can change, such as a form with a CSRF token or flash messages.
"""

import dataclasses
import datetime
import decimal
import hashlib
import io
import pickle

from django import template
from django.core.cache import cache
from django.db.models import Model, QuerySet
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django_tables2.templatetags.django_tables2 import RenderTableNode

register = template.Library()

# A day: fragments do not go stale (see above), this only bounds the cache's memory.
TIMEOUT = 24 * 60 * 60
SCALARS = (str, int, float, bool, decimal.Decimal, datetime.date, type(None))


def plain(value):
    """`value` as nested tuples of scalars, every shown attribute included: a model instance
    with its loaded fields, annotations and select_related / prefetched objects."""
    if isinstance(value, SCALARS):
        return value
    if isinstance(value, Model):
        loaded = tuple((k, plain(v)) for k, v in vars(value).items() if not k.startswith("_"))
        related = plain(value._state.fields_cache)
        prefetched = plain(getattr(value, "_prefetched_objects_cache", {}))
        return (value._meta.label, loaded, related, prefetched)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, tuple(plain(getattr(value, f.name)) for f in fields))
    if isinstance(value, dict):
        return tuple((plain(k), plain(v)) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset | QuerySet):
        return tuple(plain(item) for item in value)
    # Lazy translations, enums and the rest: their text is what a template shows.
    return str(value)


def fingerprint(request, name: str, *parts) -> str:
    """The cache key of fragment `name` showing `parts` to this request's user."""
    user = getattr(request, "user", None)
    seen = (
        name,
        get_language(),
        getattr(user, "pk", None),
        request.get_full_path() if request is not None else "",
    )
    digest = hashlib.blake2b(repr(seen).encode(), digest_size=20)
    digest.update(serialized(parts))
    return f"fragment:{name}:{digest.hexdigest()}"


def serialized(parts) -> bytes:
    """`parts` as bytes: pickled when they can be (fast, and a model instance pickles with
    every loaded field, annotation and related object, as `plain` lists them), else `plain`.
    Equal data may pickle differently (a set's order), which only costs a cache miss; the
    keys stay within one process (a local memory cache), so pickling needs no stability
    across processes."""
    buffer = io.BytesIO()
    try:
        ContentPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(parts)
    except (pickle.PicklingError, TypeError, AttributeError):
        return repr(plain(parts)).encode()
    return buffer.getvalue()


def _shown(*content):
    """Stands for a model instance in a fingerprint (never called: keys are not unpickled)."""


class ContentPickler(pickle.Pickler):
    """Pickles a model instance as what it shows: its label, loaded fields and annotations,
    related and prefetched objects (as `plain` lists them), without Django's own pickling of
    its state (a copy of `_state` and a version check per instance, most of the time of a
    list page's fingerprint)."""

    def reducer_override(self, obj):
        if isinstance(obj, Model):
            # Every attribute but Django's state (prefetched objects included), then the
            # related objects that state holds.
            loaded = vars(obj).copy()
            del loaded["_state"]
            return _shown, (obj._meta.label, loaded, obj._state.fields_cache)
        return NotImplemented


class FragmentNode(template.Node):
    def __init__(self, name, parts, nodelist):
        self.name, self.parts, self.nodelist = name, parts, nodelist

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]
        key = fingerprint(context.get("request"), self.name.resolve(context), *parts)
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, TIMEOUT)
        return mark_safe(html)


@register.tag
def fragment(parser, token):
    """`{% fragment NAME PART... %}...{% endfragment %}`: the enclosed HTML, rendered once per
    fingerprint of NAME and the PARTs it shows."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    parts = [parser.compile_filter(bit) for bit in bits[2:]]
    return FragmentNode(parser.compile_filter(bits[1]), parts, nodelist)


class TableFragmentNode(RenderTableNode):
    """django-tables2's `{% render_table %}`, remembered by the rows the table shows."""

    def render(self, context):
        table = self.table.resolve(context)
        page = getattr(table, "page", None)
        # A page holds bound rows: what they show is their records.
        rows = [getattr(row, "record", row) for row in (page.object_list if page else table.data)]
        columns = [column.name for column in table.columns]
        key = fingerprint(context.get("request"), type(table).__name__, columns, rows)
        html = cache.get(key)
        if html is None:
            html = super().render(context)
            cache.set(key, html, TIMEOUT)
        return mark_safe(html)


@register.tag
def render_table_fragment(parser, token):
    """`{% render_table_fragment TABLE %}`: `{% render_table TABLE %}` rendered once per
    fingerprint of the rows it shows."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% render_table_fragment %} takes one table.")
    return TableFragmentNode(parser.compile_filter(bits[1]), None)
