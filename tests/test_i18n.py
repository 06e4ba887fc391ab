"""The Vietnamese catalogue is complete and its compiled form is up to date."""

from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES"


def test_every_message_has_a_vietnamese_translation():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    assert len(po) > 100
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))
    # Keyed by context too: "Change" of a figure and of a record's history are two entries.
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo if entry.msgid}
    source = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in po.translated_entries()}
    assert compiled == source, "run `make messages`"


def test_placeholders_survive_translation():
    import re

    po = polib.pofile(str(CATALOGUE / "django.po"))
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in po.translated_entries():
        # Vietnamese has one plural form: it must carry the placeholders of both English ones.
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            assert sorted(set(placeholder.findall(entry.msgid))) == sorted(
                set(placeholder.findall(translation))
            ), entry.msgid


def test_one_english_word_with_two_meanings_has_two_entries():
    """Issue 18: "Change" was "Tăng, giảm" in the admin's edit links and the history."""
    from django.utils import translation
    from django.utils.translation import gettext, pgettext

    with translation.override("vi"):
        assert gettext("Change") == "Sửa"
        assert pgettext("a figure", "Change") == "Tăng, giảm"
        assert pgettext("a record's history", "Change") == "Thay đổi"
        assert pgettext("an attribute", "Unknown") == "Chưa rõ"
