"""Vietnamese names as offices search and sort them.

Two keys are kept beside a person's name, computed in Python when the row is written
(`NameKeyField.pre_save`, and by the bulk writers with the same functions), so that both
databases order and search them byte by byte with an ordinary B-tree index:

- the *search key* (`fold`): lower case, without tones or letter marks, đ as d, single
  spaces. "Nguyễn Thị Đặng" is "nguyen thi dang", which `nguyen`, `Nguyen`, `NGUYỄN` and `đặng`
  find alike. Offices type without diacritics all the time.
- the *sort key* (`sort_key`): the order of Vietnamese lists, by given name first, then the
  rest of the name, letters in the Vietnamese alphabet's order (a ă â b c d đ e ê g h i k l m
  n o ô ơ p q r s t u ư v x y) and tones in the dictionaries' order (none, huyền, hỏi, ngã,
  sắc, nặng), as CLDR's Vietnamese collation has them. Neither database's own collation does
  this (SQLite has none; PostgreSQL's depend on the server's ICU or libc).

The keys are compared byte-wise: COLLATE "C" on PostgreSQL (`NameKeyField.db_parameters`),
SQLite's BINARY default.
"""

import functools
import unicodedata

from django.db import models
from django.db.models import Func, Q, Value
from django.db.models.functions import Lower

# The alphabet in its order; f, j, w and z come in foreign names.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Each letter as one character, in the alphabet's order and after the digits (0x30..0x39).
LETTER_CODES = {letter: chr(0x41 + index) for index, letter in enumerate(ALPHABET)}
# Marks that make another letter of the alphabet (NFD splits ă into a + breve).
LETTER_MARKS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}
# The tones, in the dictionaries' order after the level tone (0).
TONE_MARKS = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
# Separators, ordered below every letter and digit: between the given name and the rest, at
# the end of a word list's letters (before its tones), and between words.
LEVEL, END, WORD = " ", "!", "#"
# The longest key of a name of 200 characters: two characters a letter at most, plus separators.
KEY_LENGTH = 420
# Above every character a text can hold: `key < prefix + LAST` holds for every key that
# begins with `prefix`.
LAST = "\U0010ffff"


def fold(text: str) -> str:
    """`text` as it is searched: lower case, without marks, đ as d, single spaces."""
    text = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "d"))
    plain = "".join(character for character in text if not unicodedata.combining(character))
    return " ".join(plain.lower().split())


def _word(word: str) -> tuple[str, str]:
    """A word's letters in the alphabet's codes, and its tone."""
    letters, tone = [], "0"
    for character in unicodedata.normalize("NFD", word.lower()):
        if unicodedata.combining(character):
            if character in TONE_MARKS:
                tone = TONE_MARKS[character]
            elif letters and (letters[-1], character) in LETTER_MARKS:
                letters[-1] = LETTER_MARKS[letters[-1], character]
            continue
        if character.isalpha() or character.isdigit():
            letters.append(character)
    # A letter outside the alphabet (a name in another script) keeps its own code, after ours.
    return "".join(LETTER_CODES.get(letter, letter) for letter in letters), tone


def _words(words: list[str]) -> str:
    coded = [_word(word) for word in words]
    coded = [(letters, tone) for letters, tone in coded if letters]
    return WORD.join(letters for letters, _tone in coded) + END + "".join(t for _l, t in coded)


def sort_key(name: str) -> str:
    """The key that puts `name` where a Vietnamese list has it: given name, then the rest."""
    words = (name or "").split()
    given, rest = words[-1:], words[:-1]
    return _words(given) + LEVEL + _words(rest)


KEYS = {"search": fold, "sort": sort_key}


@functools.lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """(search key, sort key) of `name`, for the writers that bypass the ORM; remembered,
    since millions of members share far fewer names."""
    return fold(name), sort_key(name)


class NameKeyField(models.CharField):
    """A key of another text field (`source`), kept by the row's every save: `kind` "search"
    (see `fold`) or "sort" (see `sort_key`). Compared byte by byte on both databases.

    Writers that bypass the ORM (the imports' COPY, the national data set) compute both keys
    with `name_keys` themselves.
    """

    def __init__(self, *args, source: str = "full_name", kind: str = "search", **kwargs):
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", KEY_LENGTH)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        for key, value in (("max_length", KEY_LENGTH), ("editable", False), ("default", "")):
            if kwargs.get(key, value) == value:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = KEYS[self.kind](getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value

    def db_parameters(self, connection):
        parameters = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            parameters["collation"] = "C"
        return parameters


# The key fields each model with name keys gives its name (see Member and Candidate).
KEY_FIELDS = {"full_name": ("search_key", "sort_key")}


def keys_for(update_fields) -> list[str]:
    """The key fields of the sources among `update_fields`: a save limited to some fields
    calls `pre_save` only for those, and the keys must follow the name."""
    return [key for source in update_fields for key in KEY_FIELDS.get(source, ())]


@functools.cache
def _translation() -> tuple[str, str]:
    """The Vietnamese letters with marks, and the plain letter each folds to: the SQL of
    `Folded`. Worked out from `fold` on first use (some 30 ms), not at every start-up."""
    marked = "".join(
        sorted(
            character
            for character in map(chr, range(0xC0, 0x1EFA))
            if character.isalpha()
            and fold(character) != character.lower()
            and fold(character).isascii()
            and len(fold(character)) == 1
        )
    )
    return marked, "".join(fold(character) for character in marked)


class Folded(Func):
    """`fold` in SQL, for the short lists searched without a stored key (organizations,
    enterprises, zones, unions): translate() on PostgreSQL, a Python function on SQLite
    (registered on each connection by `register_sqlite_functions`)."""

    function = "portal_fold"
    output_field = models.CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        marked, plain = _translation()
        translated = Func(
            *self.source_expressions, Value(marked), Value(plain), function="translate"
        )
        return Lower(translated).as_sql(compiler, connection, **extra_context)


def register_sqlite_functions(sender, connection, **kwargs):
    """`portal_fold` (see Folded) on every new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "portal_fold", 1, lambda text: None if text is None else fold(text), deterministic=True
        )


def search_names(queryset, text: str, *, codes: bool = False):
    """Rows whose name holds `text`, case and diacritics aside (`hon` finds "Hồng Hà"), or, with
    `codes`, whose code holds it. For lists of organizations, enterprises and unions, whose
    scope is short enough to read whole."""
    condition = Q(folded_name__contains=fold(text))
    if codes:
        condition |= Q(code__icontains=text.strip())
    return queryset.alias(folded_name=Folded("name")).filter(condition)
