"""The Redactor: `records.Ticket` in, `models.RedactedTicket` out, failing closed.

Everything that reaches the archive passes through here: the subject, each
comment body, tags, custom-field values and attachment file names; what is
copied as is, is declared in `fields`, and nothing else is. A ticket is
analysed as one batch (one `nlp.pipe` over all its texts), numbered in reading
order (title, tags, fields, then comments), and re-checked after replacement:
if any deny-listed value or unmistakable credential is still present, the
ticket is refused rather than written. Any failure becomes a `RedactionError`
whose message names the ticket id and the kind of failure, never its text.

The settings' audience profile decides what is in the record at all: the
`internal` profile keeps internal notes, agents' names and the organization's
keyed pseudonym; the `public` profile drops internal notes before analysis,
redacts agents' names like customers' and leaves the organization out.
"""

from __future__ import annotations

from typing import Any, Sequence

from redaction import fields
from redaction.analysis import TextAnalyzer
from redaction.engine import LoadedSpacyNlpEngine, build_analyzer, library_versions, load_pipeline
from redaction.errors import RedactionError
from redaction.known import KnownEntities, KnownEntityRecognizer
from redaction.models import Finding, RedactedComment, RedactedTicket
from redaction.contexts import ContextFinder
from redaction.coordination import ListFinder
from redaction.identifiers import AccountFinder
from redaction.names import NameFinder
from redaction.ner import NerPolicy
from redaction.network import AllowList
from redaction.placeholders import Placeholders, blank_placeholders, resolve
from redaction.pseudonyms import organization_pseudonym
from redaction.recognizers import pattern_recognizers
from redaction.records import Comment, Ticket
from redaction.secrets import SecretRecognizer
from redaction.settings import RedactionSettings


class _Residue(Exception):
    """A known value or credential survived replacement; carries the entity type only."""


class Redactor:
    """Loads the spaCy pipeline and Presidio once (slow); reuse one instance for many tickets."""

    def __init__(self, settings: RedactionSettings | None = None):
        self.settings = settings or RedactionSettings()
        nlp = load_pipeline(self.settings.model)
        self._versions = library_versions(nlp)
        self._allow = AllowList(self.settings.allow_domains, self.settings.service_domains)
        self._secrets = SecretRecognizer()
        nlp_engine = LoadedSpacyNlpEngine(nlp, self.settings.model)
        analyzer = build_analyzer(
            nlp_engine,
            [
                *pattern_recognizers(self._allow, self._secrets, public_code_orgs=self.settings.public_code_orgs),
                *self.settings.extra_recognizers,
            ],
        )
        self._texts = TextAnalyzer(
            analyzer,
            nlp_engine,
            NerPolicy(self.settings.allow_terms),
            NameFinder(self.settings.allow_terms),
            places=ContextFinder(self.settings.allow_terms),
            accounts=AccountFinder(self.settings.allow_terms),
            members=ListFinder(self.settings.allow_terms),
            chunk_chars=self.settings.ner_chunk_chars,
            overlap=self.settings.ner_overlap,
            batch_size=self.settings.ner_batch_size,
            bulk_chars=self.settings.bulk_text_chars,
        )

    @property
    def versions(self) -> dict[str, str]:
        """Versions that decide what gets redacted, for the archive's frontmatter."""
        return dict(self._versions)

    def redact_ticket(self, ticket: Ticket) -> RedactedTicket:
        ticket_id = getattr(ticket, "id", "?")
        try:
            return self._redact_ticket(ticket)
        except _Residue as exc:
            raise RedactionError(f"ticket {ticket_id}: redaction failed ({exc.args[0]} left after replacement)") from None
        except Exception as exc:
            # `from None`: a chained exception's message could quote ticket text.
            raise RedactionError(f"ticket {ticket_id}: redaction failed ({type(exc).__name__})") from None

    def redact_text(self, text: str) -> str:
        """Redact ad-hoc text (no ticket, so no deny-lists); numbering starts at 1."""
        try:
            detections = self._analyze_one(text)
            return Placeholders().replace(text, detections)
        except Exception as exc:
            raise RedactionError(f"text: redaction failed ({type(exc).__name__})") from None

    def explain(self, text: str) -> list[Finding]:
        """The spans `redact_text` replaces, in order, with the recognizer that found each."""
        try:
            return [f.reported() for f in resolve(self._analyze_one(text))]
        except Exception as exc:
            raise RedactionError(f"text: redaction failed ({type(exc).__name__})") from None

    def _analyze_one(self, text: str) -> list[Finding]:
        return self._texts.analyze([text], [True], KnownEntityRecognizer(KnownEntities.empty()))[0]

    def _redact_ticket(self, ticket: Ticket) -> RedactedTicket:
        settings = self.settings
        known = KnownEntities.from_ticket(ticket, keep_agent_names=settings.keeps_agent_names, allow=self._allow)
        texts: list[str] = []
        use_ner: list[bool] = []

        def add(text: str | None, ner: bool = True) -> int:
            texts.append(text or "")
            use_ner.append(ner)
            return len(texts) - 1

        comments = ticket.comments or _description_as_comment(ticket)
        if settings.public:
            # Internal notes never reach a public archive, not even redacted: they are not analysed at all.
            comments = tuple(c for c in comments if c.public)
        custom = sorted(ticket.custom_fields, key=lambda f: f.id)
        title_at = add(ticket.subject)
        tags_at = [add(tag, ner=False) for tag in ticket.tags]  # slugs: nothing for NER to read
        fields_at = [add(f.value) for f in custom]
        comments_at = [(add(c.body), [add(a.file_name) for a in c.attachments]) for c in comments]

        deny_list = KnownEntityRecognizer(known)
        found = self._texts.analyze(texts, use_ner, deny_list)
        placeholders = Placeholders()
        out: list[str] = list(texts)

        def redact(i: int) -> str:
            out[i] = placeholders.replace(texts[i], found[i])
            return out[i]

        title = redact(title_at)
        tags = tuple(sorted({redact(i) for i in tags_at}))
        custom_fields = tuple((f.title or f"field_{f.id}", redact(i)) for f, i in zip(custom, fields_at))
        redacted_comments = []
        for comment, (body_at, attachments_at) in zip(comments, comments_at):
            author, role = self._author(ticket, comment, placeholders)
            redacted_comments.append(
                RedactedComment(
                    **_copied(comment, fields.COMMENT),
                    author=author,
                    author_role=role,
                    body=redact(body_at),
                    attachments=tuple(redact(i) for i in attachments_at),
                )
            )
        self._check_residue(out, deny_list)
        return RedactedTicket(
            **_copied(ticket, fields.TICKET),
            title=title,
            tags=tags,
            custom_fields=custom_fields,
            comments=tuple(redacted_comments),
            redactions=dict(sorted(placeholders.counts.items())),
            organization=self._organization(ticket),
            redaction_versions=dict(sorted(self._versions.items())),
        )

    def _organization(self, ticket: Ticket) -> str | None:
        """The keyed pseudonym of the customer organization; never its name, and none in the public profile."""
        if ticket.organization is None or self.settings.public:
            return None
        return organization_pseudonym(ticket.organization.id, self.settings.org_key)

    def _author(self, ticket: Ticket, comment: Comment, placeholders: Placeholders) -> tuple[str, str]:
        user = ticket.author(comment)
        if user is not None and user.is_agent:
            if self.settings.keeps_agent_names and user.name.strip():
                return user.name.strip(), "agent"
            return placeholders.label("PERSON", f"user:{user.id}"), "agent"
        identity = f"user:{user.id}" if user is not None else f"author:{comment.author_id}"
        return placeholders.label("PERSON", identity), "customer"

    def _check_residue(self, texts: Sequence[str], deny_list: KnownEntityRecognizer) -> None:
        for text in texts:
            scrubbed = blank_placeholders(text)
            for term, _, _ in deny_list.find(scrubbed):
                raise _Residue(term.entity)
            for _ in self._secrets.find_certain(scrubbed):
                raise _Residue("SECRET")


def _copied(record: object, declared: fields.Fields) -> dict[str, Any]:
    """The fields declared to be copied as is, under their names in the redacted record."""
    return {target: getattr(record, name) for name, target in declared.copied.items()}


def _description_as_comment(ticket: Ticket) -> tuple[Comment, ...]:
    # Zendesk's description is the first comment; it only matters when comments were not loaded.
    if not ticket.description.strip():
        return ()
    return (Comment(id=0, author_id=ticket.requester_id, public=True, created_at=ticket.created_at, body=ticket.description),)
