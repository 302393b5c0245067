"""Faithfulness checks of one translated sentence (numbers, names, links, length, copies and
loops), with no model. Pure Python; imports only the domain's text handling."""

from .names import CODES, Code, Issue, check

__all__ = ["CODES", "Code", "Issue", "check"]
