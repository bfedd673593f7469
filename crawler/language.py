"""Language identification on the text, with the page's `lang` and the source's hint as
tie-breakers.

py3langid ships its model inside the package (no download at run time), handles 97
languages and classifies a page in about half a millisecond on its first 600 characters.
On the external page corpus, samples of 300 to 2,000 characters all score 97.7 %, while the
cost grows with the sample (0.4 ms at 300, 0.6 at 600, 0.9 at 1,200, 3-4 ms for a whole text).
Declared languages are often wrong (templates say `lang="en"` on every edition), so the
text decides when the identifier is confident; a hint only wins when the identifier is
unsure and ranks the hint close behind.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

CONFIDENT = 0.90
HINT_FLOOR = 0.02
SAMPLE_CHARS = 600


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def warm_up_identifier() -> None:
    """Load the model now (about half a second): a crawl does this before its reactor starts,
    so that the first page does not stall every download in flight."""
    _identifier()


def detect_language(text: str, hints: Iterable[str | None] = ()) -> tuple[str | None, str | None]:
    """Return (ISO 639-1 code, how it was decided: 'text', 'hint' or None)."""
    clean_hints = [h.lower().split("-")[0] for h in hints if h]
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < 20:
        return (clean_hints[0], "hint") if clean_hints else (None, None)
    ranked = _identifier().rank(sample)
    top, top_prob = ranked[0]
    if top_prob >= CONFIDENT or not clean_hints:
        return str(top), "text"
    probabilities = dict(ranked[:10])
    for hint in clean_hints:
        if probabilities.get(hint, 0.0) >= HINT_FLOOR:
            return hint, "hint"
    return str(top), "text"
