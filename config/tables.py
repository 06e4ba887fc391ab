"""Column settings shared by the apps' tables."""

# Figures are right-aligned with tabular digits (static/css/portal.css).
NUMBER = {"td": {"class": "num"}, "th": {"class": "num"}}
# How a yes/no column reads.
YES_NO = ("✓", "—")
