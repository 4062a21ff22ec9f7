"""Reading: sentences, cues, dates and side names turned into claims (the lexicons in data/lexicon/).

The names below are the wing's public face; the other modules are its own business.

>>> from geo.read import load_factions, claims_from_mentions  # imported on first use
"""

from geo._exports import lazy_exports

_PUBLIC = {
    "claims_from_mentions": "claims",
    "Factions": "factions", "load_factions": "factions", "parse_factions": "factions",
    "check_faction_languages": "factions",
    "Lexicon": "lexicon", "load_lexicons": "lexicon", "parse_lexicon": "lexicon", "fold_keep_length": "lexicon",
    "find_dates": "dates",
    "split_sentences": "sentences",
    "Expected": "evaluate", "changes": "evaluate", "score": "evaluate",
}
__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
