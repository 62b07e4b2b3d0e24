"""Facts a case note must keep verbatim, one kind per report line, each in the sentences tickets put it in.

Some of them look like what the redaction removes: a status phrase whose
second word is capitalised ("403 Forbidden"), a feature name of two
capitalised words ("Batch Changes"), public endpoints of well-known services
(which are host names), words of other languages that look like names.
"""

from __future__ import annotations

from random import Random

from tests.evalset.snippets import Snippet

FACTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "HTTP status phrase": (
        (
            "403 Forbidden", "404 Not Found", "401 Unauthorized", "502 Bad Gateway", "503 Service Unavailable",
            "504 Gateway Timeout", "429 Too Many Requests", "500 Internal Server Error", "409 Conflict",
            "422 Unprocessable Entity", "307 Temporary Redirect", "400 Bad Request",
        ),
        (
            "The API returns {f} for every request since the upgrade.",
            "curl -i shows HTTP/1.1 {f} from the proxy.",
            "We get `{f}` when cloning over https.",
            "{f} on /.api/graphql, but only for some users",
        ),
    ),
    "product feature": (
        (
            "Search Contexts", "Batch Changes", "Code Insights", "Code Monitoring", "Search Jobs",
            "Precise Code Navigation", "Auto-indexing", "Executors", "Notebooks", "Code Search",
        ),
        (
            "We enabled {f} for the monorepo last week.",
            "{f} stopped showing results after the upgrade.",
            "Is {f} included in our plan?",
            "The {f} page loads forever.",
        ),
    ),
    "public endpoint": (
        (
            "api.github.com", "oauth2.googleapis.com", "EndpointSuffix=core.windows.net",
            "git-codecommit.us-west-1.amazonaws.com", "login.microsoftonline.com", "sts.amazonaws.com",
            "storage.googleapis.com", "graph.microsoft.com", "dev.azure.com", "s3.amazonaws.com",
            "accounts.google.com", "api.bitbucket.org", "gitlab.com", "registry.npmjs.org",
        ),
        (
            "Egress to {f} is blocked by the proxy.",
            "The token exchange with {f} times out after 30s.",
            "We allow-listed {f} on the firewall.",
            "Requests to https://{f}/ fail with a TLS error.",
        ),
    ),
    "CLI flag": (
        (
            "--dry-run", "--no-verify", "--insecure-skip-tls-verify", "--all-namespaces", "--previous",
            "--max-old-space-size=4096", "--timeout", "--force", "--recurse-submodules", "--depth=1",
        ),
        ("Run it again with {f} and send the output.", "Without {f} the command hangs.", "Is {f} safe to use in prod?"),
    ),
    "config key": (
        (
            "auth.providers", "experimentalFeatures", "search.largeFiles", "gitMaxConcurrentClones",
            "repoListUpdateInterval", "externalURL", "codeIntelAutoIndexing.enabled", "maxReposToSearch",
            "disableAutoGitUpdates", "permissions.syncUsersMaxConcurrency",
        ),
        ("We set `{f}` in the site config.", "Changing {f} had no effect.", "Which value of {f} do you recommend?"),
    ),
    "version": (
        ("5.3.2", "v5.1.8", "4.5.1", "5.2.7", "v3.12.1", "1.27.4", "2.44.0", "6.0.2690"),
        ("After the upgrade to {f} the problem started.", "We are on {f} now.", "Does {f} fix this?"),
    ),
    "error string": (
        (
            "context deadline exceeded", "connection reset by peer", "x509: certificate signed by unknown authority",
            "failed to fetch repository", "OOMKilled", "CrashLoopBackOff", "no space left on device",
            "Permission denied (publickey)", "too many open files", "remote: Repository not found.",
        ),
        ("The logs are full of `{f}`.", "gitserver says: {f}", "Still {f} after the restart."),
    ),
    "Next step": (
        ("Next step", "Next steps", "Root cause", "Workaround", "Action items", "Expected behavior"),
        ("{f}: upgrade to the latest patch release.", "**{f}**\n- raise the memory limit\n- restart gitserver", "{f}: see the runbook linked above."),
    ),
    "non-English word": (
        (
            "Leider", "Fehler", "Bitte", "Danke", "Grüße", "Gracias", "Saludos", "Merci", "Cordialement",
            "Pozdrawiam", "Dziękuję", "Groeten", "Obrigado", "Grazie", "Hallo", "Moin",
        ),
        ("{f}, the problem is back.", "{f}!\nThe pods restart again.", "Kurz: {f}. The sync is stuck."),
    ),
}
PUBLIC_ENDPOINTS = "public endpoint"


def fact_snippet(line: str, rng: Random) -> Snippet:
    values, templates = FACTS[line]
    fact = rng.choice(values)
    template = rng.choice(templates)
    text = template.format(f=fact)
    return Snippet(line, "curated", text, text, facts=(fact,))
