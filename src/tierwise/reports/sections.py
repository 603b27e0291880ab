"""Section titles and the texts both renderers share (HTML headings, Excel sheet names and README)."""

from __future__ import annotations

from tierwise.i18n import N_, gettext_for

#: section key → English title (a catalogue message id)
TITLES = {
    "summary": N_("Summary"),
    "classes": N_("Classes"),
    "pareto": N_("Pareto curve (80/20)"),
    "rfm": N_("RFM map"),
    "key_accounts": N_("Key accounts"),
    "prospects": N_("Prospect grades"),
    "clv": N_("Customer lifetime value"),
    "at_risk": N_("At-risk customers"),
    "migration": N_("Class migration"),
}


def section_titles(lang: str) -> dict[str, str]:
    """Every section title in ``lang``."""
    _ = gettext_for(lang)
    return {key: _(title) for key, title in TITLES.items()}
