"""Control characters: refused in what comes in (forms, imports), stripped from what goes out.

A control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F) has no place in a
name, a code or a decision number: it does not show, it breaks XLSX and PostgreSQL text, and
in front of "=" it hides a formula from a check that looks at the first character only.
Multi-line fields (a note) may hold line breaks and tabs; single-line ones nothing.
"""

import re

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The same without tab, line feed and carriage return.
CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = _("Must not contain control characters (non-printing characters).")

refuse_control = RegexValidator(
    CONTROL, CONTROL_MESSAGE, code="control_characters", inverse_match=True
)
refuse_control_but_lines = RegexValidator(
    CONTROL_BUT_LINES, CONTROL_MESSAGE, code="control_characters", inverse_match=True
)


def has_control(text: str) -> bool:
    """Whether a single-line text holds a control character."""
    return CONTROL.search(text) is not None
