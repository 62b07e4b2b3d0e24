"""The fake account's vocabulary, read from the data files in `exporter/fake/data/`.

    product.yaml         versions, deployments, ticket field options, docs links
    people.yaml          organizations, customer names, phone formats, agents
    infrastructure.yaml  hosts, IPs, repositories, passwords: patterns for planted values
    conversation.yaml    greetings, sign-offs, follow-ups around a scenario
    pastes.yaml          the long log a customer pastes
    shapes.yaml          shares and lists that decide how records vary; the trap subjects
    account.yaml         a real account's corners: its own organization and admin, the sample
                         ticket, voice and social users, voice comments, metric sets without solved_at
    scenarios/*.md       one support case each: YAML front matter, then a `## section` per message

Each file is checked against the dataclasses below as it is read: an unknown or
missing key, or a value of the wrong type, is a ValueError naming the file and
the key, so a typo cannot fall back to a default unnoticed. Lists keep their
order and scenarios load in file-name order; both are part of what a seed
generates.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from datetime import date
from importlib import resources
from typing import Any, get_args, get_origin, get_type_hints

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_frozen = dataclasses.dataclass(frozen=True)


@_frozen
class Option:
    """A choice of a drop-down ticket field: its tag (the value) and its label."""

    tag: str
    name: str


@_frozen
class DeploymentType(Option):
    logs: str  # the command that shows a service's log on this kind of deployment


@_frozen
class Deployment:
    tag: str
    text: str


@_frozen
class Product:
    versions: tuple[str, ...]
    docs: str
    issues: str
    deployment_types: tuple[DeploymentType, ...]
    deployments: tuple[Deployment, ...]
    product_areas: tuple[Option, ...]
    tiers: tuple[Option, ...]
    statefulset_pods: dict[str, str]


@_frozen
class Organization:
    name: str
    domain: str


@_frozen
class Agent:
    name: str
    role: str


@_frozen
class People:
    organizations: tuple[Organization, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    job_titles: tuple[str, ...]
    email_locals: tuple[str, ...]
    area_codes: tuple[str, ...]
    phone_formats: tuple[str, ...]
    agents: tuple[Agent, ...]


@_frozen
class Infrastructure:
    hosts: dict[str, str]
    node: str
    private_ips: tuple[str, ...]
    public_ip: str
    public_first_octets: tuple[int, ...]
    repository_names: tuple[str, ...]
    repositories: tuple[str, ...]
    namespaces: tuple[str, ...]
    memory_limits: tuple[str, ...]
    raised_memory_limits: tuple[str, ...]
    password_stems: tuple[str, ...]


@_frozen
class Threshold:
    """Text that applies when a random number in [0, 1) is below `below`."""

    below: float
    text: str


@_frozen
class Conversation:
    customer_greetings: tuple[str, ...]
    customer_signoffs: tuple[str, ...]
    customer_thanks: tuple[str, ...]
    agent_greetings: tuple[str, ...]
    agent_greeting_again: str
    agent_signoffs: tuple[str, ...]
    follow_up: str
    cc_intro: str
    cc_reply: str
    cc_signoff: str
    linked_note: str
    closed_follow_up: str
    closed_follow_up_reply: str
    subject_decorations: tuple[Threshold, ...]


@_frozen
class BigLog:
    intro: str
    file: str
    bytes: int
    private_ips: int
    repositories: tuple[str, ...]
    step: tuple[int, ...]
    line: str
    messages: tuple[Threshold, ...]


@_frozen
class Pastes:
    big_log: BigLog


@_frozen
class Statuses:
    unsolved_share: float
    unsolved: tuple[str, ...]
    solved_share: float
    special_solved_share: float


@_frozen
class Shapes:
    created_from: date
    created_until: date
    organizations: int
    people_per_organization: tuple[int, ...]
    phone_share: float
    statuses: Statuses
    channels: tuple[str, ...]
    priorities: tuple[str, ...]
    satisfaction_scores: tuple[str, ...]
    cc_share: float
    attachment_share: float
    resolution_note_share: float
    thanks_share: float
    escalated_share: float
    follower_share: float
    instance_url_share: float
    trap_subjects: tuple[str, ...]


@_frozen
class Attachment:
    file: str  # a $template, like the messages
    content_type: str


@_frozen
class Scenario:
    """One kind of support case. Each message is a $template (see context.py):

    opening  the customer's first message      note  the agent's internal resolution note
    ask      the agent's questions             fix   the agent's answer that solves it
    details  the logs and config asked for     hold  the internal note while on hold"""

    key: str  # the file name without its order prefix
    service: str
    area: str  # a product area tag
    type: str  # the Zendesk ticket type: question or incident
    subjects: tuple[str, ...]
    opening: str
    ask: str
    details: str
    note: str
    fix: str
    hold: str
    attachments: tuple[Attachment, ...] = ()


SECTIONS = ("opening", "ask", "details", "note", "fix", "hold")


@_frozen
class AccountOrganization:
    key: str
    name: str
    domain: str | None = None
    plant: bool = True  # its name is customer data the leak tests look for
    hidden: bool = False  # missing from every side-load (organizations/show_many has it)


@_frozen
class AccountPerson:
    key: str
    name: str  # a $template: $phone is the person's number
    role: str = "end-user"
    email: str | None = None
    phone: bool = False
    organization: str | None = None  # a key of an organization ("default": the account's own)
    plant: bool = True
    hidden: bool = False


@_frozen
class AccountComment:
    author: str  # "requester", "assignee" or a person's key
    text: str  # a $template; for a voice comment, what was said (the rest is the call's data)
    public: bool = True
    kind: str = "Comment"  # or VoiceComment, TpeVoiceComment


@_frozen
class AccountTicket:
    key: str
    subject: str
    channel: str
    requester: str
    assignee: str
    status: str  # solved or closed
    solve_record: str  # recorded, absent, null or hidden: see account.yaml
    custom_fields: bool
    comments: tuple[AccountComment, ...]


@_frozen
class Account:
    default_organization: AccountOrganization
    organizations: tuple[AccountOrganization, ...]
    people: tuple[AccountPerson, ...]
    tickets: tuple[AccountTicket, ...]


@_frozen
class Catalog:
    product: Product
    people: People
    infrastructure: Infrastructure
    conversation: Conversation
    pastes: Pastes
    shapes: Shapes
    account: Account
    scenarios: tuple[Scenario, ...]


@functools.cache
def load_catalog() -> Catalog:
    data = resources.files(__package__).joinpath("data")

    def read(cls: type, name: str) -> Any:
        return _convert(cls, yaml.load(data.joinpath(name).read_text(encoding="utf-8"), Loader=_LOADER), name)

    scenario_files = sorted(
        (f for f in data.joinpath("scenarios").iterdir() if f.name.endswith(".md")), key=lambda f: f.name
    )
    return Catalog(
        product=read(Product, "product.yaml"),
        people=read(People, "people.yaml"),
        infrastructure=read(Infrastructure, "infrastructure.yaml"),
        conversation=read(Conversation, "conversation.yaml"),
        pastes=read(Pastes, "pastes.yaml"),
        shapes=read(Shapes, "shapes.yaml"),
        account=read(Account, "account.yaml"),
        scenarios=tuple(parse_scenario(f.name, f.read_text(encoding="utf-8")) for f in scenario_files),
    )


_HEADING = re.compile(r"## (\w+)")
_ORDER_PREFIX = re.compile(r"\d+-")


def parse_scenario(file_name: str, text: str) -> Scenario:
    """A scenario file: `---` YAML front matter `---`, then `## opening`, `## ask`, ... sections.
    A heading inside a ``` fence is text, so a pasted shell comment cannot split a section."""
    if not text.startswith("---\n"):
        raise ValueError(f"{file_name}: must start with a --- front matter block")
    _, header, body = text.split("---\n", 2)
    fields = yaml.load(header, Loader=_LOADER) or {}
    if not isinstance(fields, dict):
        raise ValueError(f"{file_name}: the front matter must be a mapping")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_fence = False
    for line in body.split("\n"):
        heading = None if in_fence else _HEADING.fullmatch(line)
        if heading:
            name = heading.group(1)
            if name not in SECTIONS or name in sections:
                raise ValueError(f"{file_name}: unexpected or repeated section ## {name}")
            current = sections[name] = []
            continue
        if line.startswith("```"):
            in_fence = not in_fence
        if current is None:
            if line.strip():
                raise ValueError(f"{file_name}: text before the first ## section")
            continue
        current.append(line)
    key = _ORDER_PREFIX.sub("", file_name.removesuffix(".md"), count=1)
    texts = {name: "\n".join(lines).strip("\n") for name, lines in sections.items()}
    return _convert(Scenario, {"key": key, **fields, **texts}, file_name)


def _convert(tp: Any, value: Any, where: str) -> Any:
    """`value` as read from YAML, checked against the annotation `tp`; lists become tuples."""
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ValueError(f"{where}: expected a mapping, got {value!r}")
        fields = {f.name: f for f in dataclasses.fields(tp)}
        unknown = sorted(set(value) - set(fields))
        missing = sorted(
            n for n, f in fields.items() if n not in value and f.default is dataclasses.MISSING
        )
        if unknown or missing:
            raise ValueError(f"{where}: unknown keys {unknown}, missing keys {missing}")
        hints = get_type_hints(tp)
        return tp(**{k: _convert(hints[k], v, f"{where}: {k}") for k, v in value.items()})
    origin = get_origin(tp)
    if origin is tuple:
        if not isinstance(value, list):
            raise ValueError(f"{where}: expected a list, got {value!r}")
        item = get_args(tp)[0]
        return tuple(_convert(item, v, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict):
            raise ValueError(f"{where}: expected a mapping, got {value!r}")
        key_type, value_type = get_args(tp)
        return {_convert(key_type, k, where): _convert(value_type, v, f"{where}: {k}") for k, v in value.items()}
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, tp) or (isinstance(value, bool) and tp is not bool):
        raise ValueError(f"{where}: expected {getattr(tp, '__name__', tp)}, got {value!r}")
    return value
