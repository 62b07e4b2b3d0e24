"""A fake of Sourcegraph's GraphQL endpoint for `responses`: every request checked against the API's shape.

    fake = FakeSourcegraph(token="sgp_...", site_admin=True)
    with responses.RequestsMock() as rsps:
        fake.install(rsps)
        ...                          # code that POSTs to https://sourcegraph.test/.api/graphql

Each request is parsed and validated against tests/data/sourcegraph_schema.graphql
with graphql-core, and its variables are coerced to the declared input types: a
request Sourcegraph would refuse (an unknown field, a missing required input
field, a wrong enum) gets GraphQL errors here too. Valid requests run against
objects kept in memory, with the checks Sourcegraph makes that the tests rely
on: the token, site-admin-only operations, and the rules for a search context's
query and a code monitor's trigger (tests/sourcegraph_query.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import responses
from graphql import build_schema, graphql_sync

from tests.sourcegraph_query import context_query_problems, monitor_problems

SCHEMA = build_schema((Path(__file__).parent / "data" / "sourcegraph_schema.graphql").read_text("utf-8"))
ENDPOINT = "https://sourcegraph.test"


@dataclass
class Sent:
    operation: str
    variables: dict[str, Any]
    authorization: str | None


@dataclass
class FakeSourcegraph:
    token: str = "sgp_0123456789abcdef0123456789abcdef01234567"
    username: str = "support-bot"
    site_admin: bool = True
    version: str = "5.3.0"
    repos: tuple[str, ...] = ("github.com/acme/support-cases",)
    endpoint: str = ENDPOINT
    sent: list[Sent] = field(default_factory=list)
    contexts: dict[str, dict[str, Any]] = field(default_factory=dict)
    monitors: dict[str, dict[str, Any]] = field(default_factory=dict)
    saved: dict[str, dict[str, Any]] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    # (status, headers) answered instead of the next requests, in order
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ids = count(1)
        self.user = {"__typename": "User", "id": "VXNlcjox", "username": self.username, "siteAdmin": self.site_admin,
                     "monitors": self._user_monitors}  # fmt: skip

    def install(self, rsps: responses.RequestsMock) -> None:
        rsps.add_callback(responses.POST, self.endpoint + "/.api/graphql", callback=self._answer)

    @property
    def mutations(self) -> list[str]:
        return [s.operation for s in self.sent if s.operation[:6] in ("Create", "Update", "Delete")]

    # -- the endpoint -------------------------------------------------------

    def _answer(self, request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        auth = request.headers.get("Authorization")
        self.sent.append(Sent(body.get("operationName") or "", body.get("variables") or {}, auth))
        if self.failures:
            status, headers = self.failures.pop(0)
            return status, headers, "upstream trouble\n"
        if auth != f"token {self.token}":
            return 401, {"Content-Type": "text/plain"}, "Invalid access token.\n"
        result = graphql_sync(
            SCHEMA, body["query"], root_value=self, variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
        )  # fmt: skip
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [{"message": e.message} for e in result.errors]
        return 200, {"Content-Type": "application/json"}, json.dumps(payload)

    def _id(self, kind: str) -> str:
        return f"{kind}:{next(self._ids)}"

    def _admin_only(self) -> None:
        if not self.site_admin:
            raise PermissionError("must be site admin")

    # -- Query ---------------------------------------------------------------

    def currentUser(self, info: Any) -> dict[str, Any]:
        return self.user

    def site(self, info: Any) -> dict[str, Any]:
        return {"productVersion": self.version}

    def repository(self, info: Any, name: str | None = None, cloneURL: str | None = None) -> dict[str, Any] | None:
        return {"id": f"Repository:{name}", "name": name} if name in self.repos else None

    def searchContexts(self, info: Any, query: str | None = None, **_: Any) -> dict[str, Any]:
        nodes = [c for c in self.contexts.values() if not query or query.lower() in c["spec"].lower()]
        return {"nodes": nodes, "totalCount": len(nodes)}

    def savedSearches(self, info: Any, owner: str | None = None, **_: Any) -> dict[str, Any]:
        nodes = [s for s in self.saved.values() if owner in (None, s["owner"]["id"])]
        return {"nodes": nodes, "totalCount": len(nodes)}

    def _user_monitors(self, info: Any, **_: Any) -> dict[str, Any]:
        return {"nodes": list(self.monitors.values()), "totalCount": len(self.monitors)}

    # -- Mutation: search contexts --------------------------------------------

    def createSearchContext(self, info: Any, searchContext: dict[str, Any], repositories: list[Any]) -> dict[str, Any]:
        namespace = searchContext.get("namespace")
        if namespace is None:
            self._admin_only()  # an instance-level context
        elif namespace != self.user["id"]:
            raise PermissionError("namespace is not the current user")
        spec = searchContext["name"] if namespace is None else f"@{self.username}/{searchContext['name']}"
        if spec in self.contexts:
            raise ValueError(f"search context {spec!r} already exists")
        self._check_context(searchContext, repositories)
        context = {"id": self._id("SearchContext"), "spec": spec, "autoDefined": False, "viewerCanManage": True,
                   "namespace": None if namespace is None else self.user, **_fields(searchContext, "namespace")}
        self.contexts[spec] = context
        return context

    def updateSearchContext(self, info: Any, id: str, searchContext: dict[str, Any], repositories: list[Any]) -> dict[str, Any]:
        context = next((c for c in self.contexts.values() if c["id"] == id), None)
        if context is None:
            raise LookupError("search context not found")
        self._check_context(searchContext, repositories)
        context.update(searchContext)
        return context

    @staticmethod
    def _check_context(context: dict[str, Any], repositories: list[Any]) -> None:
        if context["query"] and repositories:
            raise ValueError("a search context has a query or repositories, not both")
        problems = context_query_problems(context["query"]) if context["query"] else []
        if problems:
            raise ValueError("; ".join(problems))

    # -- Mutation: code monitors -------------------------------------------------

    def createCodeMonitor(self, info: Any, monitor: dict[str, Any], trigger: dict[str, Any], actions: list[Any]) -> dict[str, Any]:
        if monitor["namespace"] != self.user["id"]:
            raise PermissionError("namespace is not the current user")
        self._check_trigger(trigger["query"])
        created = {"id": self._id("Monitor"), "owner": self.user, **monitor,
                   "trigger": {"__typename": "MonitorQuery", "id": self._id("MonitorQuery"), "query": trigger["query"]},
                   "actionList": [self._action(a, None) for a in actions]}  # fmt: skip
        created["actions"] = lambda info, **_: {"nodes": created["actionList"], "totalCount": len(created["actionList"])}
        self.monitors[created["id"]] = created
        return created

    def updateCodeMonitor(self, info: Any, monitor: dict[str, Any], trigger: dict[str, Any], actions: list[Any]) -> dict[str, Any]:
        found = self.monitors.get(monitor["id"])
        if found is None or found["trigger"]["id"] != trigger["id"]:
            raise LookupError("code monitor or trigger not found")
        self._check_trigger(trigger["update"]["query"])
        found.update(monitor["update"])
        found["trigger"]["query"] = trigger["update"]["query"]
        # As Sourcegraph documents it: actions left out of the request are deleted, those without an id created.
        found["actionList"] = [self._action({k: v["update"]}, v.get("id")) for a in actions for k, v in a.items() if v]
        return found

    def _action(self, action: dict[str, Any], action_id: str | None) -> dict[str, Any]:
        (kind, settings), = [(k, v) for k, v in action.items() if v]  # exactly one kind per action
        typename = {"email": "MonitorEmail", "webhook": "MonitorWebhook", "slackWebhook": "MonitorSlackWebhook"}[kind]
        made = {"__typename": typename, "id": action_id or self._id(typename), **settings}
        if kind == "email":
            ids = settings["recipients"]
            made["recipients"] = lambda info, **_: {"nodes": [self.user for i in ids if i == self.user["id"]],
                                                     "totalCount": len(ids)}  # fmt: skip
        return made

    @staticmethod
    def _check_trigger(query: str) -> None:
        problems = monitor_problems(query)
        if problems:
            raise ValueError("; ".join(problems))

    # -- Mutation: saved searches -----------------------------------------------

    def createSavedSearch(self, info: Any, input: dict[str, Any]) -> dict[str, Any]:
        if input["owner"] != self.user["id"]:
            raise PermissionError("owner is not the current user")
        saved = {"id": self._id("SavedSearch"), "owner": self.user, "url": "", "viewerCanAdminister": True,
                 **_fields(input, "owner")}  # fmt: skip
        self.saved[saved["id"]] = saved
        return saved

    def updateSavedSearch(self, info: Any, id: str, input: dict[str, Any]) -> dict[str, Any]:
        if id not in self.saved:
            raise LookupError("saved search not found")
        self.saved[id].update(input)
        return self.saved[id]

    def deleteSavedSearch(self, info: Any, id: str) -> dict[str, Any]:
        if self.saved.pop(id, None) is None:
            raise LookupError("saved search not found")
        return {"alwaysNil": None}

    # -- Mutation: repositories --------------------------------------------------

    def updateMirrorRepository(self, info: Any, repository: str) -> dict[str, Any]:
        self._admin_only()
        name = re.sub(r"^Repository:", "", repository)
        if name not in self.repos:
            raise LookupError("repository not found")
        self.fetched.append(name)
        return {"alwaysNil": None}


def _fields(values: dict[str, Any], *leave_out: str) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in leave_out}
