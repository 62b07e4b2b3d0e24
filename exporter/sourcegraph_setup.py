"""`ticket-archive sourcegraph setup`: an archive's search context, code monitor and saved searches.

    plan = SetupPlan.for_archive(entries, "github.com/acme/support-cases", context_name="support-cases")
    report = setup_sourcegraph(client, plan)     # what was created, updated, deleted or left as it was

Each object is found again by a name of its own, so a second run changes nothing:

    search context   `@<user>/<name>` owned by the token's user, or `<name>` for the whole
                     instance when the token is a site admin's; public; defined by the query
                     `repo:^…$ file:^tickets/` (a Beta feature: experimentalFeatures.searchContextsQuery)
    code monitor     the user's monitor described "ticket-archive: new cases in <repo>", emailing
                     the user; an existing one keeps its actions and enabled state, only its
                     trigger is brought up to date
    saved searches   the user's, described "Support cases in <repo>: <label>", one per ready query
                     of the archive's README (archive.sourcegraph); one no longer ready is deleted

The GraphQL documents use the input types of Sourcegraph's last public schema
(cmd/frontend/graphqlbackend/*.graphql); tests/data/sourcegraph_schema.graphql
holds their shape, and the tests check every request against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from archive.manifest import Entry
from archive.sourcegraph import context_query, monitor_query, readme_queries
from exporter.errors import SourcegraphRejected
from exporter.sourcegraph import SourcegraphClient, Viewer, repository_id, whoami

CONTEXT_DESCRIPTION = "Solved support cases, redacted: the case files of {repo} (made by ticket-archive)."
MONITOR_DESCRIPTION = "ticket-archive: new cases in {repo}"
SAVED_PREFIX = "Support cases in {repo}: "

CREATED, UPDATED, DELETED, UNCHANGED = "created", "updated", "deleted", "unchanged"

SEARCH_CONTEXTS = """query SearchContexts($query: String!) {
  searchContexts(query: $query, first: 100) { nodes { id spec name description public query } }
}"""

CREATE_CONTEXT = """mutation CreateSearchContext(
  $searchContext: SearchContextInput!, $repositories: [SearchContextRepositoryRevisionsInput!]!
) {
  createSearchContext(searchContext: $searchContext, repositories: $repositories) { id spec }
}"""

UPDATE_CONTEXT = """mutation UpdateSearchContext(
  $id: ID!, $searchContext: SearchContextEditInput!, $repositories: [SearchContextRepositoryRevisionsInput!]!
) {
  updateSearchContext(id: $id, searchContext: $searchContext, repositories: $repositories) { id spec }
}"""

CODE_MONITORS = """query CodeMonitors {
  currentUser {
    monitors(first: 100) {
      nodes {
        id description enabled
        trigger { ... on MonitorQuery { id query } }
        actions(first: 50) {
          nodes {
            __typename
            ... on MonitorEmail { id enabled priority header includeResults recipients(first: 50) { nodes { id } } }
            ... on MonitorWebhook { id enabled url includeResults }
            ... on MonitorSlackWebhook { id enabled url includeResults }
          }
        }
      }
    }
  }
}"""

CREATE_MONITOR = """mutation CreateCodeMonitor(
  $monitor: MonitorInput!, $trigger: MonitorTriggerInput!, $actions: [MonitorActionInput!]!
) {
  createCodeMonitor(monitor: $monitor, trigger: $trigger, actions: $actions) { id }
}"""

UPDATE_MONITOR = """mutation UpdateCodeMonitor(
  $monitor: MonitorEditInput!, $trigger: MonitorEditTriggerInput!, $actions: [MonitorEditActionInput!]!
) {
  updateCodeMonitor(monitor: $monitor, trigger: $trigger, actions: $actions) { id }
}"""

SAVED_SEARCHES = """query SavedSearches($owner: ID!) {
  savedSearches(owner: $owner, first: 100) { nodes { id description query } }
}"""

CREATE_SAVED_SEARCH = """mutation CreateSavedSearch($input: SavedSearchInput!) {
  createSavedSearch(input: $input) { id }
}"""

UPDATE_SAVED_SEARCH = """mutation UpdateSavedSearch($id: ID!, $input: SavedSearchUpdateInput!) {
  updateSavedSearch(id: $id, input: $input) { id }
}"""

DELETE_SAVED_SEARCH = """mutation DeleteSavedSearch($id: ID!) {
  deleteSavedSearch(id: $id) { alwaysNil }
}"""


@dataclass(frozen=True)
class SetupPlan:
    repo: str
    context_name: str
    saved_searches: tuple[tuple[str, str], ...]  # (description, query), in the README's order

    @classmethod
    def for_archive(cls, entries: Iterable[Entry], repo: str, *, context_name: str) -> "SetupPlan":
        prefix = SAVED_PREFIX.format(repo=repo)
        queries = tuple((prefix + q.label, q.text(repo)) for q in readme_queries(list(entries)))
        return cls(repo, context_name, queries)

    @property
    def context_query(self) -> str:
        return context_query(self.repo)

    @property
    def monitor(self) -> tuple[str, str]:
        return MONITOR_DESCRIPTION.format(repo=self.repo), monitor_query(self.repo)


@dataclass(frozen=True)
class Change:
    kind: str  # search context, code monitor, saved search
    name: str
    action: str  # created, updated, deleted, unchanged

    def line(self) -> str:
        return f"{self.kind:<15} {self.action:<9} {self.name}"


@dataclass
class SetupReport:
    viewer: Viewer
    context_spec: str = ""
    changes: list[Change] = field(default_factory=list)

    def counts(self) -> str:
        actions = [c.action for c in self.changes]
        return ", ".join(f"{actions.count(a)} {a}" for a in (CREATED, UPDATED, DELETED, UNCHANGED))


def setup_sourcegraph(client: SourcegraphClient, plan: SetupPlan) -> SetupReport:
    """Bring the context, the monitor and the saved searches to the plan; safe to run again and again."""
    viewer = whoami(client)
    repository_id(client, plan.repo)  # a context, monitor or search of a repository Sourcegraph lacks finds nothing
    report = SetupReport(viewer)
    change, report.context_spec = _search_context(client, plan, viewer)
    report.changes.append(change)
    report.changes.append(_code_monitor(client, plan, viewer))
    report.changes += _saved_searches(client, plan, viewer)
    return report


def _search_context(client: SourcegraphClient, plan: SetupPlan, viewer: Viewer) -> tuple[Change, str]:
    # A site admin's context serves the whole instance (`context:support-cases`); a user's is theirs.
    spec = plan.context_name if viewer.site_admin else f"@{viewer.username}/{plan.context_name}"
    wanted = {
        "name": plan.context_name,
        "description": CONTEXT_DESCRIPTION.format(repo=plan.repo),
        "public": True,
        "query": plan.context_query,
    }
    nodes = client.run(SEARCH_CONTEXTS, {"query": plan.context_name})["searchContexts"]["nodes"]
    found = next((n for n in nodes if n.get("spec") == spec), None)
    if found is None:
        created = {**wanted, "namespace": None if viewer.site_admin else viewer.id}
        client.run(CREATE_CONTEXT, {"searchContext": created, "repositories": []})
        return Change("search context", spec, CREATED), spec
    if all(found.get(k) == v for k, v in wanted.items()):
        return Change("search context", spec, UNCHANGED), spec
    client.run(UPDATE_CONTEXT, {"id": found["id"], "searchContext": wanted, "repositories": []})
    return Change("search context", spec, UPDATED), spec


def _code_monitor(client: SourcegraphClient, plan: SetupPlan, viewer: Viewer) -> Change:
    description, trigger = plan.monitor
    user = client.run(CODE_MONITORS)["currentUser"] or {}
    nodes = (user.get("monitors") or {}).get("nodes") or []
    found = next((n for n in nodes if n.get("description") == description), None)
    if found is None:
        email = {"enabled": True, "priority": "NORMAL", "recipients": [viewer.id], "header": "", "includeResults": False}
        client.run(
            CREATE_MONITOR,
            {
                "monitor": {"namespace": viewer.id, "description": description, "enabled": True},
                "trigger": {"query": trigger},
                "actions": [{"email": email}],
            },
        )
        return Change("code monitor", description, CREATED)
    current = found.get("trigger") or {}
    if current.get("query") == trigger:
        return Change("code monitor", description, UNCHANGED)
    # An update replaces the monitor whole: its actions go back as they are, or they would be deleted.
    client.run(
        UPDATE_MONITOR,
        {
            "monitor": {
                "id": found["id"],
                "update": {"namespace": viewer.id, "description": description, "enabled": bool(found.get("enabled"))},
            },
            "trigger": {"id": current["id"], "update": {"query": trigger}},
            "actions": [_kept_action(a) for a in (found.get("actions") or {}).get("nodes") or []],
        },
    )
    return Change("code monitor", description, UPDATED)


def _kept_action(action: dict[str, Any]) -> dict[str, Any]:
    kind = action.get("__typename")
    common = {"enabled": bool(action.get("enabled")), "includeResults": bool(action.get("includeResults"))}
    if kind == "MonitorEmail":
        recipients = [r["id"] for r in (action.get("recipients") or {}).get("nodes") or []]
        update = {**common, "priority": action.get("priority") or "NORMAL", "recipients": recipients,
                  "header": action.get("header") or ""}
        return {"email": {"id": action["id"], "update": update}}
    if kind in ("MonitorWebhook", "MonitorSlackWebhook"):
        key = "webhook" if kind == "MonitorWebhook" else "slackWebhook"
        return {key: {"id": action["id"], "update": {**common, "url": action.get("url") or ""}}}
    raise SourcegraphRejected(f"the code monitor has an action of a kind this version cannot keep ({kind}); "
                              "update its trigger by hand")


def _saved_searches(client: SourcegraphClient, plan: SetupPlan, viewer: Viewer) -> list[Change]:
    prefix = SAVED_PREFIX.format(repo=plan.repo)
    nodes = client.run(SAVED_SEARCHES, {"owner": viewer.id})["savedSearches"]["nodes"]
    ours = {n["description"]: n for n in nodes if str(n.get("description", "")).startswith(prefix)}
    changes = []
    for description, query in plan.saved_searches:
        found = ours.pop(description, None)
        if found is None:
            saved = {"owner": viewer.id, "description": description, "query": query, "draft": False,
                     "visibility": "SECRET"}
            client.run(CREATE_SAVED_SEARCH, {"input": saved})
            changes.append(Change("saved search", description, CREATED))
        elif found.get("query") == query:
            changes.append(Change("saved search", description, UNCHANGED))
        else:
            update = {"description": description, "query": query, "draft": False}
            client.run(UPDATE_SAVED_SEARCH, {"id": found["id"], "input": update})
            changes.append(Change("saved search", description, UPDATED))
    for description, stale in sorted(ours.items()):
        client.run(DELETE_SAVED_SEARCH, {"id": stale["id"]})
        changes.append(Change("saved search", description, DELETED))
    return changes
