"""Where names stand in support tickets: one template list per context, filled with a person or an organisation.

Each context is a report line. A template names what it plants by its fields:
`{full}` (or `{first}` and `{last}`) plants the full name, `{first}` alone the
given name alone, `{first_lower}` the given name in lower case, `{user_*}` a
user name made from the name (the identifier is the secret, with the name's
parts wherever they stand apart in it), `{email}` an address at a third
party's domain (its own secret, on the "email" line). `{filler}` is a line of
technical text with nothing to redact.
"""

from __future__ import annotations

import re
import string
import unicodedata
from random import Random

from tests.evalset.names import Person, english_words, fold
from tests.evalset.snippets import Secret, Snippet, fill, name_probes, word_probe

FILLER = (
    "The frontend pods restart every few minutes since the upgrade.",
    "gitserver-0 is at 95% memory and the repo-updater queue keeps growing.",
    "We rolled back the Helm release but the search timeouts are still there.",
    "Indexing of the monorepo stalls at about 60% and never finishes.",
    "The ingress returns errors for large diffs only; small ones are fine.",
    "Attached are the logs from the last restart, taken with kubectl logs --previous.",
    "Nothing changed on the network side as far as we can tell.",
    "We can schedule a maintenance window on Thursday evening if needed.",
    "Precise code navigation stopped working for the Go repositories.",
    "Disk usage on the zoekt volume jumped from 40% to 85% overnight.",
)
TITLES = (
    "Senior SRE", "Platform Engineer", "Staff Software Engineer", "DevOps Lead", "Infrastructure Manager",
    "Head of Developer Productivity", "Systems Administrator", "Engineering Manager", "IT Operations",
)
TEAMS = ("Platform Engineering", "Developer Experience", "Infrastructure", "IT Operations", "Security Engineering")
CITIES = ("Berlin", "London", "Warsaw", "Austin", "Toronto", "Madrid", "Amsterdam", "Singapore", "Sydney")
AGENT_FIRST_NAMES = ("Morgan", "Tobias", "Keiko", "Felix", "Renata", "Callum")

PERSON_CONTEXTS: dict[str, tuple[str, ...]] = {
    "greeting": (
        "Hi {first},\n\n{filler}",
        "Hello {full},\n\n{filler}",
        "Dear {first} {last},\n\n{filler}",
        "Hey {first} - {filler}",
        "Good morning {first}!\n\n{filler}",
        "Dear Ms. {last},\n\n{filler}",
    ),
    "sign-off": (
        "{filler}\n\nThanks,\n{first}",
        "{filler}\n\nBest regards,\n{full}",
        "{filler}\nCheers, {first}",
        "{filler}\n\nKind regards\n{first} {last}",
        "{filler}\n\n-- {first}",
        "{filler}\n\nThank you!\n{initial_last}",
    ),
    "signature block": (
        "{filler}\n\n--\n{full}\n{title} | {team}\n{city}",
        "{filler}\n\nBest,\n\n{full}\n{title}\n{team}, {city}",
        "{filler}\n\n{full} | {title} | {team}",
        "{filler}\n\nRegards,\n{full}\n{title}",
    ),
    "quoted mail header": (
        "{filler}\n\nOn Tue, 12 Mar 2024 at {hh}:{mm}, {full} <{email}> wrote:\n> {filler2}",
        "{filler}\n\nFrom: {full} <{email}>\nSent: Tuesday, March 12, 2024 {hh}:{mm} AM\nTo: Support\nSubject: RE: search timeouts\n\n{filler2}",
        "-----Original Message-----\nFrom: {full}\nSent: Monday, 11 March 2024 {hh}:{mm}\n\n{filler}",
        "{filler}\n\n> {full} wrote:\n> {filler2}",
        "Am 12.03.2024 um {hh}:{mm} schrieb {full} <{email}>:\n> {filler}",
    ),
    "chat transcript": (
        "[{hh}:{mm}] {full}: is gitserver-0 back?\n[{hh}:{mm2}] {agent}: yes, it restarted a minute ago",
        "[{hh}:{mm}] {first}: still seeing 502s on the search page\n[{hh}:{mm2}] {agent}: looking",
        "{full}  {hh}:{mm} AM\nthe pods are pending again\n{agent}  {hh}:{mm2} AM\nwhich node pool?",
        "<{first}> anyone seen this before?\n<{agent}> yes, it's the ingress timeout",
        "{hh}:{mm} {first} {last}: restarting the frontend now",
    ),
    "git author line": (
        "commit {sha}\nAuthor: {full} <{email}>\nDate:   Tue Mar 12 {hh}:{mm}:41 2024 +0100\n\n    Raise gitserver memory limit",
        "Raise the zoekt shard limit\n\nSigned-off-by: {full} <{email}>",
        "Fix ingress annotations for large diffs\n\nCo-authored-by: {full} <{email}>",
        "{sha7} {full} 2024-03-12 pin the executor image",
        "Reviewed-by: {full}\n{filler}",
    ),
    "third-party sentence": (
        "My colleague {full} opened a similar ticket last year. {filler}",
        "Our CTO, {full}, wants a root cause by Friday.",
        "We hired a consultant, {full}, to review the Helm values.",
        "{full} from our networking team says the load balancer has a 60s idle timeout.",
        "I talked to {full} and they confirmed nothing changed on our side.",
        "Please loop in {full}, who owns the cluster now.",
        "{filler} Our security officer {full} needs to approve the new OAuth app.",
    ),
    "cc / @ mention": (
        "cc {full}\n\n{filler}",
        "@{first} can you check the ingress logs?",
        "{filler}\n\nCC'ing {full} from security.",
        "+{first} {last} for visibility",
        "@{first} {last} please approve the change request",
        "{filler} (cc: {first})",
    ),
    "log line": (
        'level=info msg="site config updated" user="{user_flast}" (id=4211)',
        '{date}T{hh}:{mm}:07Z INFO saml: user {user_dot} signed in from 10.0.3.4',
        't={date}T{hh}:{mm}:12Z lvl=warn msg="permission sync failed" username={user_first}',
        "audit: actor='{full}' action=repo.delete repo=payments-api",
    ),
    "first name alone": (
        "{first} said the restart fixed it.",
        "Thanks to {first} for the logs. {filler}",
        "{first} is out until Monday, so I'm taking over this ticket.",
        "Ask {first}, they ran the migration. {filler}",
        "{filler} {first} will send the debug bundle tomorrow.",
    ),
    "lower-case name": (
        "thanks, {first_lower}",
        "[{hh}:{mm}] {first_lower}: ok, rolling back now",
        "ok {first_lower}, will do",
        "ping {first_lower} when it's done",
        "[{hh}:{mm}] {full_lower}: done, the pods are up",
        "{filler}\n\n- {first_lower}",
    ),
    "name in an identifier": (
        "The values file is at /home/{user_flast}/sourcegraph/values.yaml",
        r"src-cli writes its log to C:\Users\{user_Dot}\AppData\Local\Temp\src-cli.log",
        "2024-03-12 {hh}:{mm}:01 auth failed user={user_first} reason=expired",
        "kubectl -n dev-{user_first} get pods shows everything Pending",
        "uid={user_dot},ou=people,dc=corp,dc=internal is not found by the LDAP sync",
        "The mailbox {user_dot} is the one that gets the alerts.",
        "ssh {user_flast}@bastion-2 works, but git clone over https does not",
    ),
}

# Only some contexts make sense for a name that is also an ordinary word.
ENGLISH_WORD_CONTEXTS = ("greeting", "sign-off", "signature block", "third-party sentence", "chat transcript", "cc / @ mention")

NON_ENGLISH = (
    "Leider tritt der Fehler bei meinem Kollegen {full} weiterhin auf.",
    "Mon collègue {full} a redémarré le pod hier soir, sans effet.",
    "Mi compañero {full} abrió un ticket parecido el año pasado.",
    "Mój kolega {full} zrestartował klaster wczoraj wieczorem.",
    "Mijn collega {full} heeft de logs al gestuurd.",
    "O meu colega {full} já enviou os logs ontem.",
    "Il mio collega {full} ha riavviato il cluster stamattina.",
    "Viele Grüße\n{full}",
    "Pozdrawiam,\n{full}",
)

ORG_CONTEXTS = (
    "{org} runs Sourcegraph on its own EKS cluster.",
    "{filler}\n\n--\nPlatform team\nDevOps Lead | {org}",
    "We at {org} rely on code search for every release.",
    "{org}'s security team needs the SBOM before the renewal.",
    "Our parent company {org} mandates SSO for every tool.",
    "We are moving the repositories from {org}'s GitLab to GitHub Enterprise.",
    "I'm the platform lead at {org}. {filler}",
    "{filler} The same happens on the {org} staging instance.",
)


def _ascii(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c) and c.isascii())


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _others(rng: Random) -> dict[str, str]:
    hh, mm = rng.randint(7, 18), rng.randint(0, 58)
    return {
        "filler": rng.choice(FILLER),
        "filler2": rng.choice(FILLER),
        "title": rng.choice(TITLES),
        "team": rng.choice(TEAMS),
        "city": rng.choice(CITIES),
        "agent": rng.choice(AGENT_FIRST_NAMES),
        "hh": f"{hh:02d}",
        "mm": f"{mm:02d}",
        "mm2": f"{mm + 1:02d}",
        "sha": "".join(rng.choice("0123456789abcdef") for _ in range(40)),
        "sha7": "".join(rng.choice("0123456789abcdef") for _ in range(7)),
        "date": f"2024-03-{rng.randint(10, 28)}",
    }


def person_snippet(line: str, template: str, person: Person, rng: Random, email_domain: str, case_sensitive: bool = False) -> Snippet:
    """One context filled with `person`: the name (or identifier) as one secret, any e-mail address as another."""
    first, last = person.first, person.last
    a_first, a_last = _ascii(first) or "user", _ascii(last) or "name"
    values = {
        "first": first,
        "last": last,
        "full": person.full,
        "initial_last": f"{first[0]}. {last}",
        "first_lower": first.lower(),
        "full_lower": person.full.lower(),
        "user_flast": (a_first[0] + a_last).lower(),
        "user_first": a_first.lower(),
        "user_dot": f"{a_first}.{a_last}".lower(),
        "user_Dot": f"{a_first}.{a_last}",
        "email": f"{a_first}.{a_last}@{email_domain}".lower(),
    }
    used = _fields(template)
    secrets_in = {k: v for k, v in values.items() if k in used}
    text, frame = fill(template, secrets_in, _others(rng))
    names = [k for k in used if k in ("first", "last", "full", "initial_last", "first_lower", "full_lower")]
    words: tuple[str, ...] = ()
    if "full" in used or "full_lower" in used or {"first", "last"} <= used:
        words = (first, last)
    elif "first" in used or "first_lower" in used:
        words = (first,)
    elif "last" in used or "initial_last" in used:
        words = (last,)
    secrets = []
    if names:
        secrets.append(Secret(line, person.full if len(words) > 1 else words[0], name_probes(words, case_sensitive=case_sensitive)))
    for key in ("user_flast", "user_first", "user_dot", "user_Dot"):
        if key in used:
            ident = values[key]
            parts = tuple(p for p in re.split(r"[._-]", ident) if p.lower() in (a_first.lower(), a_last.lower()))
            probes = (word_probe(ident),) + name_probes(parts) + ((word_probe(a_last),) if key == "user_flast" else ())
            secrets.append(Secret(line, ident, tuple(dict.fromkeys(probes))))
    if "email" in used:
        secrets.append(Secret("email", values["email"], (word_probe(values["email"]),)))
    return Snippet(line, person.source, text, frame, tuple(secrets))


def org_snippet(template: str, org: str, source: str, rng: Random) -> Snippet:
    text, frame = fill(template, {"org": org}, _others(rng))
    probes = [word_probe(org)]
    head = org.split()[0]
    if len(head) >= 4 and fold(head) not in english_words() and head != org:
        probes.append(word_probe(head))
    return Snippet("organisation", source, text, frame, (Secret("organisation", org, tuple(probes)),))

