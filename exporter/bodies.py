"""One text per comment, whichever endpoint brought it: what the agent saw, voice calls without their recordings.

Zendesk gives a comment up to three renderings: `html_body` (what the agent
interface shows), `plain_body` (the comments endpoint only, padded around its
line breaks: `Hi there, \\n\\n I’m …`) and `body` (as written). The ticket
events export carries no plain_body, so the canonical text is html_body
converted (`html_to_text`); only a comment without html_body falls back to
plain_body, then body, with the padding taken off. The events walk does not
vouch for a comment without html_body (`exporter.events`), so both paths give
such a comment the same fallback too.

Voice comments (`VoiceComment` from Talk, `TpeVoiceComment` from Talk Partner
Edition) hold a call: their recording URLs are never kept (the call's audio,
behind the agent's session or a partner's host), nor the caller's location
(where someone was, not what the case is about), Talk's literal backslash-n
line breaks become line breaks, and a transcription that only the call's data
holds is added. The caller's number stays for redaction to replace: it is a
phone number, and as the caller's phone it is on the ticket's deny-list.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any, Mapping

PLAIN = "Comment"
VOICE_KINDS = frozenset({"VoiceComment", "TpeVoiceComment"})
COMMENT_KINDS = frozenset({PLAIN, *VOICE_KINDS})

_BLOCK_TAGS = frozenset(
    "address article aside blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header hr "
    "li main nav ol p pre section table td th tr ul".split()
)
_PADDING = re.compile(r"[ \t]*\n[ \t]?")
_LITERAL_BREAK = re.compile(r"\\r\\n|\\n")
_URL = re.compile(r"https?://[^\s<>\"']+")
_LOCATION = re.compile(r"^[ \t]*(?:caller )?location:.*\n?", re.I | re.M)
_KIND = re.compile(r"[A-Za-z]{1,40}")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._parts: list[str] = []
        self._pre = 0

    def _flush(self) -> None:
        text = "".join(self._parts)
        self._parts = []
        if text.strip():
            self.blocks.append(text if self._pre else text.strip())

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "br":
            self._parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self._flush()
            if tag == "pre":
                self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            if tag == "pre":
                self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        # Outside <pre>, a line break in the HTML source is only a space.
        self._parts.append(data if self._pre else data.replace("\r\n", " ").replace("\n", " "))


def html_to_text(html: str) -> str:
    """A comment's html_body as plain text: blocks a blank line apart, <br> a line break,
    <pre> as is, entities decoded, markup dropped."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    parser._flush()
    return "\n\n".join(parser.blocks).strip()


def comment_kind(raw: Mapping[str, Any]) -> str:
    """Zendesk's kind of comment (`Comment`, `VoiceComment`, ...): `type`, or an event's `event_type`."""
    kind = str(raw.get("type") or raw.get("event_type") or PLAIN)
    return kind if _KIND.fullmatch(kind) else PLAIN


def comment_text(raw: Mapping[str, Any]) -> str:
    """The comment's one text: html_body converted, else plain_body or body unpadded; voice comments
    without their recordings (see the module docstring)."""
    html = raw.get("html_body")
    if isinstance(html, str) and html.strip():
        text = html_to_text(html)
    else:
        fallback = raw.get("plain_body")
        if fallback is None:
            fallback = raw.get("body")
        text = _PADDING.sub("\n", str(fallback or "")).strip()
    if comment_kind(raw) in VOICE_KINDS:
        text = voice_text(text, raw.get("data"))
    return text


def voice_text(text: str, data: Any) -> str:
    """A voice comment's text with its line breaks made real, every link and the caller's location out,
    and the transcription in."""
    data = data if isinstance(data, Mapping) else {}
    recording = str(data.get("recording_url") or "")
    text = _LOCATION.sub("", _LITERAL_BREAK.sub("\n", text))
    text = _URL.sub(lambda m: "[recording not archived]" if m.group(0) == recording else "[link not archived]", text)
    if recording and recording in text:  # not a URL the pattern knows: still never written
        text = text.replace(recording, "[recording not archived]")
    transcription = _LITERAL_BREAK.sub("\n", str(data.get("transcription_text") or "")).strip()
    if transcription and data.get("transcription_visible", True) is not False and transcription not in text:
        text = f"{text}\n\nTranscription:\n{_URL.sub('[link not archived]', transcription)}".strip()
    return text


def unescape_breaks(text: str) -> str:
    """Talk's literal backslash-n line breaks (voicemail descriptions) as line breaks."""
    return _LITERAL_BREAK.sub("\n", text)
