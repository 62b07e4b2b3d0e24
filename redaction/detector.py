"""The Presidio face of a pattern detector: a `find(text)` of spans becomes `analyze(...)` results.

Detectors written here need no NLP artifacts and no Presidio context
enhancement (they read their context themselves), so each is a plain
function of the text: subclasses list their entities and implement `find`.
"""

from __future__ import annotations

import re
from typing import Iterable, List, Optional

from presidio_analyzer import EntityRecognizer, RecognizerResult


DIGIT = re.compile(r"\d")  # a text without one holds no number to find


class PatternDetector(EntityRecognizer):
    ENTITIES: tuple[str, ...] = ()
    # Every value it finds holds a digit (numbers, ids): a text without one is not read at all.
    NEEDS_A_DIGIT: bool = False

    def __init__(self) -> None:
        super().__init__(supported_entities=list(self.ENTITIES), name=type(self).__name__, supported_language="en")

    def load(self) -> None:
        pass

    def find(self, text: str) -> Iterable[tuple[str, int, int, float, str]]:
        """(entity, start, end, score, why) of each span found."""
        raise NotImplementedError

    def analyze(self, text: str, entities: List[str], nlp_artifacts: Optional[object] = None) -> List[RecognizerResult]:
        if self.NEEDS_A_DIGIT and not DIGIT.search(text):
            return []
        return [
            RecognizerResult(
                entity_type=entity,
                start=start,
                end=end,
                score=score,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: f"{self.name}:{why}",
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            for entity, start, end, score, why in self.find(text)
        ]
