"""Event extraction: a story's text to its happening (type, actors, place, date, claimant),
from per-language lexicon data files. The store decides which event a story joins."""
