"""What every policy file's schema shares: strict models, and texts a policy gives in English and Chinese.

Class labels, cadences, notes, flows and next steps are data a user edits in the policy YAML, so they
carry both languages there (the program's own messages live in the catalogue, :mod:`tierwise.i18n`).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StrictModel(BaseModel):
    """A policy section: unknown fields are refused, values are frozen, aliased fields (``class``) accepted."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(StrictModel):
    """A text in English and Chinese; ``text[lang]`` picks one.

    >>> Text(en="weekly", zh="每周一次")["zh"]
    '每周一次'
    """

    en: str = Field(min_length=1)
    zh: str = Field(min_length=1)

    def __getitem__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en
