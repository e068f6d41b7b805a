"""Chinese word segmentation for the search index and for queries.

The database search backends split text on spaces and punctuation only, so a run of Chinese
characters would be one token. Both the indexed text and the query are segmented with jieba and
joined by spaces, so that 津贴 inside 每月享受区政府津贴 is a token of its own.
"""

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)

_WORD = re.compile(r"\w", re.UNICODE)


def segment(text: str) -> str:
    """Words of `text` (search-engine mode: long words and their parts), separated by spaces."""
    if not text:
        return ""
    words = (w.strip() for w in jieba.cut_for_search(text))
    return " ".join(w for w in words if w and _WORD.search(w))


def segment_query(query: str) -> str:
    """A query as the index sees it: the precise segmentation, so every word must match."""
    words = (w.strip() for w in jieba.cut(query or ""))
    return " ".join(w for w in words if w and _WORD.search(w))
