"""A deterministic synthetic Zendesk account: the fake server's state and the tests' ground truth.

`build_dataset(tickets, seed)` invents support conversations about a
self-hosted code search product, with customer data planted on purpose:
names, emails, phones, organizations, internal hostnames, IPs, access tokens,
passwords, connection strings, license keys and attachment tokens.
`Dataset.planted_sensitive()` lists every planted value that occurs in the
data, so a leak test can assert that none of it reaches the archive.

Same seed, same bytes: one `random.Random(seed)` drives every choice, nothing
reads the clock, and no output order depends on string hashing.

The incremental stream follows Zendesk: each ticket once, at its latest change,
ordered by (generated_timestamp, id); plus one stale version
(`Dataset.repeated_ticket_id`) that appears earlier in an older, solved state,
the way Zendesk re-emits a ticket that changed while an export was running.
Mutations (`add_comment`, `solve`, ...) move a ticket to the end of the stream
with a later timestamp from a logical clock, so they are deterministic too.
"""

from __future__ import annotations

import base64
import copy
import html
import json
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from string import Template
from typing import Any, Iterable
from urllib.parse import quote

ARCHIVED_STATUSES = ("solved", "closed")
STATUS_ORDER = ("new", "open", "pending", "hold", "solved", "closed")

# 2021-01-04 .. 2024-11-30 UTC: the window tickets are created in.
_WINDOW_START = 1609718400
_WINDOW_END = 1732924800
_DAY = 86400

# Field ids look like a real account's so clients cannot assume small integers.
F_SUBJECT, F_DESCRIPTION, F_STATUS, F_TYPE, F_PRIORITY, F_GROUP, F_ASSIGNEE = range(360000410001, 360000410008)
F_VERSION, F_DEPLOYMENT, F_AREA, F_INSTANCE_URL, F_TIER, F_ESCALATED = range(360001120001, 360001120007)
GROUP_SUPPORT, GROUP_CE = 360000900001, 360000900002
TICKET_FORM_ID = 360000300001
BRAND_ID = 360000200001

# ---------------------------------------------------------------------------
# Word lists. Customer names are deliberately distinctive so that a leak test
# matching them as substrings does not trip over ordinary English or code.
# ---------------------------------------------------------------------------

ORGANIZATIONS = (
    ("Acme Corp", "acme-corp.com"),
    ("Globex Industries", "globex.io"),
    ("Initech Software", "initech-software.com"),
    ("Umbrella Health", "umbrellahealth.org"),
    ("Hooli Cloud", "hooli-cloud.net"),
    ("Stark Logistics", "stark-logistics.de"),
    ("Wayne Fintech", "waynefintech.com"),
    ("Soylent Foods", "soylentfoods.co"),
    ("Cyberdyne Robotics", "cyberdyne-robotics.ai"),
    ("Tyrell Biotech", "tyrellbio.com"),
    ("Vandelay Imports", "vandelay-imports.com"),
    ("Massive Dynamic", "massivedynamic.io"),
)
FIRST_NAMES = (
    "Siobhan", "Bartosz", "Ingrid", "Oluwaseun", "Marisol", "Rosalind", "Cormac", "Ximena",
    "Philippa", "Benedikt", "Zuzanna", "Anneliese", "Thaddeus", "Leopold", "Henrike", "Yevgenia",
    "Kwabena", "Florian", "Magdalena", "Svetlana", "Dietrich", "Priyanka", "Rafaela", "Gunnar",
    "Isadora", "Lorenzo", "Margarethe", "Nikolai", "Tabitha", "Wilhelmina", "Esperanza", "Caspian",
    "Ottilie", "Ignacio", "Saoirse", "Mathilde",
)
LAST_NAMES = (
    "Okafor", "Lindqvist", "Castellanos", "Wojcik", "Halvorsen", "Abernathy", "Nakamura", "Fitzgerald",
    "Oyelaran", "Brannigan", "Kowalczyk", "Delacroix", "Szymanski", "Thorvaldsen", "Achterberg",
    "Ravindran", "Montgomery", "Petrakis", "Quintero", "Hargreaves", "Ferreira", "Ashworth",
    "Bergstrom", "Iwasaki", "Oduya", "Valdivia", "Moravec", "Sandoval", "Kirkpatrick", "Lindholm",
    "Ekwueme", "Takahashi", "Villanueva", "Dabrowski", "Fairweather", "Rasmussen",
)
JOB_TITLES = ("Platform Engineer", "Staff SRE", "DevEx Lead", "Infrastructure Manager", "Build Engineer")
# Vendor staff: not customer data, so never in planted_sensitive().
AGENTS = (
    ("Dana Whitfield", "agent"),
    ("Marco Pellegrini", "agent"),
    ("Aisha Karim", "agent"),
    ("Tomás Ruiz", "agent"),
    ("Hannah Lowe", "agent"),
    ("Jordan Blake", "admin"),
)
REPO_NAMES = ("monorepo", "api-gateway", "payments-service", "infra-terraform", "mobile-app", "data-pipelines")
# Product versions in release order; a ticket's version follows its creation date.
VERSIONS = (
    "3.30.4", "3.36.3", "3.39.1", "3.42.1", "4.0.0", "4.1.3", "4.2.1", "4.4.2", "v4.5.0", "5.0.6", "5.1.2", "5.2.4", "5.3.1",
)
DEPLOYMENT_TYPES = (
    ("kubernetes", "Kubernetes"),
    ("docker_compose", "Docker Compose"),
    ("single_container", "Single container"),
)
DEPLOYMENTS = (
    ("kubernetes", "Kubernetes (Helm)"),
    ("kubernetes", "Kubernetes (Kustomize)"),
    ("docker_compose", "docker-compose"),
    ("single_container", "the single-container image"),
)
PRODUCT_AREAS = (
    ("search", "Search"),
    ("code_intelligence", "Code intelligence"),
    ("repository_sync", "Repository sync"),
    ("authentication", "Authentication"),
    ("licensing", "Licensing"),
    ("administration", "Administration"),
)
TIERS = (("tier_standard", "Standard"), ("tier_premium", "Premium"), ("tier_enterprise", "Enterprise"))
DOCS = "https://docs.sourcegraph.com/admin"
ISSUES = "https://github.com/sourcegraph/sourcegraph/issues"

# Subjects that break naive YAML front matter or Markdown headings.
YAML_TRAP_SUBJECTS = (
    "---",
    "yes",
    "null",
    "1e3",
    '"quoted: with colons"',
    "# zoekt indexing stuck at 87%",
    "\u200fSAML login loop after IdP change",
    "🔥 frontend returns 502 after upgrade 🙏",
    "key: value - searcher: context deadline exceeded",
    "[4.1] search.largeFiles not applied & *.min.js {ignored}",
    "NO",
    "@here gitserver down | !urgent",
)

# ---------------------------------------------------------------------------
# Conversation templates ($placeholders, see _Builder._context).
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    key: str
    service: str
    area: str
    subjects: tuple[str, ...]
    opening: str
    ask: str
    details: str
    note: str
    fix: str
    hold: str
    attachments: tuple[tuple[str, str], ...] = ()


SCENARIOS = (
    Scenario(
        key="gitserver_oom",
        service="gitserver",
        area="repository_sync",
        subjects=("gitserver OOMKilled after upgrade to $version", "gitserver-0 restarting with OOMKilled since $version"),
        opening="""Since we upgraded $host from $prev_version to $version ($deploy), gitserver-0 keeps restarting:

```
NAME                        READY   STATUS      RESTARTS   AGE
gitserver-0                 0/1     OOMKilled   14         9h
gitserver-1                 1/1     Running     0          9h
```

It seems to happen while the big monorepo ($repo) is cloning. Nothing else changed on our side.""",
        ask="""Sorry about the restarts. To narrow this down, could you send us:

1. `kubectl describe pod gitserver-0 -n $ns` (the Last State section in particular)
2. `$logs_cmd --previous`
3. Your current `gitMaxConcurrentClones` from the site configuration

$version runs `git gc` more aggressively, so memory during large clones can spike. Resource settings are described at $docs/deploy/kubernetes/configure#gitserver""",
        details="""Describe output:

```
Name:         gitserver-0
Namespace:    $ns
Node:         $node/$ip
IP:           $ip2
Containers:
  gitserver:
    Image:          index.docker.io/sourcegraph/gitserver:$version@sha256:$digest
    Limits:
      memory:  $mem
    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137
```

And the log right before the kill:

```
$ts1 gitserver-0 gitserver INFO  cloning repo=$repo
$ts2 gitserver-0 gitserver WARN  clone slow repo=$repo elapsed=14m2s
$ts3 gitserver-0 gitserver ERROR git gc failed repo=$repo err="signal: killed"
```

Site config has `"gitMaxConcurrentClones": 16`.""",
        note="""Resolution: gitserver had a $mem memory limit while gitMaxConcurrentClones=16 let several clones of the monorepo run at once; the gc change in $version ($issues/$issue) made each clone peak higher. Raised the limit to $mem_new and lowered gitMaxConcurrentClones to 4. The gc fix shipped in $fix_version (commit $sha).""",
        fix="""That confirmed it: several large clones ran at the same time and the `git gc` change in $version raised the peak memory of each one.

1. Raise the gitserver memory limit to $mem_new ($docs/deploy/kubernetes/configure#gitserver).
2. Lower the clone concurrency in the site configuration:

```json
{
  "gitMaxConcurrentClones": 4
}
```

3. Upgrade to $fix_version when you can; it contains the fix for the gc memory spike ($issues/$issue).""",
        hold="""Escalated to the repo-management team: same gc memory spike as $issues/$issue. Waiting for a patch release before we can offer a fix.""",
        attachments=(("gitserver-0-$label.log", "text/plain"), ("describe-gitserver-0.txt", "text/plain")),
    ),
    Scenario(
        key="searcher_deadline",
        service="searcher",
        area="search",
        subjects=("context deadline exceeded in searcher", 'Searches time out with "context deadline exceeded" on $version'),
        opening="""Unindexed searches across our ~$n_repos repositories time out after 60 seconds with `context deadline exceeded`. The searcher log says:

```
$ts1 searcher-6b8f9d7c4-p7lxm searcher ERROR search failed repo=$repo commit=$sha err="context deadline exceeded"
```

We are on $version, $deploy.""",
        ask="""Thanks for the report. Could you tell us how many searcher replicas you run and their resources (`kubectl get deploy searcher -n $ns -o yaml`), and share the exact query that times out? The output of `$logs_cmd` during a failing search would help too.""",
        details="""We run 2 searcher replicas with 2 CPU / 4Gi each. This is the query our CI runs:

```
curl -sS -H 'Authorization: token $sgp' \\
  'https://$host/.api/search/stream?q=type:diff+after:"2+weeks+ago"+lang:go+count:all'
```

Site config:

```json
{
  "externalURL": "https://$host",
  "search.limits": { "maxTimeoutSeconds": 60 }
}
```""",
        note="""Resolution: unindexed diff searches over ~$n_repos repos exceeded maxTimeoutSeconds=60 on only 2 searcher replicas. Scaled searcher to 6 and raised search.limits.maxTimeoutSeconds to 120. Customer pasted an access token in the curl; asked them to revoke it.""",
        fix="""Diff searches without an index have to run `git log` on every repository, which does not fit in 60 seconds on two searcher replicas.

1. Scale searcher: `kubectl scale deployment searcher --replicas=6 -n $ns`
2. Raise the timeout in the site configuration:

```json
{
  "search.limits": { "maxTimeoutSeconds": 120 }
}
```

See $docs/observability/troubleshooting for the searcher dashboards. One more thing: please revoke the access token in the curl command above (User settings > Access tokens), since ticket comments are visible to our whole support team.""",
        hold="""Waiting on search-core ($issues/$issue): diff search fan-out ignores maxTimeoutSeconds per shard.""",
        attachments=(("searcher-$label.log", "text/plain"),),
    ),
    Scenario(
        key="large_files",
        service="zoekt-indexserver",
        area="search",
        subjects=("search.largeFiles not applied", "search.largeFiles setting ignored for *.min.js files"),
        opening="""We added `search.largeFiles` to the site configuration of $host, but files bigger than 1 MB are still not searchable. This is the relevant part of our config:

```json
{
  "externalURL": "https://$host",
  "licenseKey": "$license",
  "search.largeFiles": ["dist/*.min.js", "vendor/"]
}
```""",
        ask="""The setting applies when a repository is indexed, so existing shards keep the old behaviour until they are rebuilt. Could you check the indexer logs for skipped files? For example `$logs_cmd | grep -i "too large"`.""",
        details="""Here is what the indexer says:

```
$ts1 indexed-search-0 zoekt-indexserver INFO  updating index repo=$repo branches=[HEAD] reason=option-change
$ts2 indexed-search-0 zoekt-indexserver WARN  skipping file path=web/app/dist/bundle.min.js size=3145728 reason="file too large"
```""",
        note="""Resolution: search.largeFiles patterns are doublestar globs from the repository root; "dist/*.min.js" does not match web/app/dist/. Changed to "**/*.min.js" and "vendor/**", reindexed $repo. Customer pasted their license key in the config snippet.""",
        fix="""The patterns in `search.largeFiles` match the full path from the repository root, so `dist/*.min.js` only matches files directly under `dist/`. Use:

```json
{
  "search.largeFiles": ["**/*.min.js", "vendor/**"]
}
```

Then reindex the repository from Site admin > Repositories > Indexing. Details: $docs/search#indexed-search""",
        hold="""Waiting for engineering to confirm whether search.largeFiles should trigger a reindex automatically ($issues/$issue).""",
        attachments=(("site-config-$host.json", "application/json"),),
    ),
    Scenario(
        key="zoekt_stuck",
        service="zoekt-indexserver",
        area="search",
        subjects=("zoekt indexing stuck", "Indexing stuck at 312 of 1204 repositories for 3 days"),
        opening="""Indexed search on $host has been stuck for three days: Site admin shows "Indexing 312 of 1,204 repositories" and zoekt-webserver returns partial results. We're on $version ($deploy).""",
        ask="""Could you check the free space on the index volume? `kubectl exec -it indexed-search-0 -n $ns -c zoekt-indexserver -- df -h /data/index`. And the last 200 lines of `$logs_cmd` please.""",
        details="""You were right, the disk is full:

```
Filesystem      Size  Used Avail Use% Mounted on
/dev/nvme1n1    200G  199G  1.0G 100% /data/index
```

```
$ts1 indexed-search-0 zoekt-indexserver ERROR failed to write shard path=/data/index/${shard}_v16.00000.zoekt err="write: no space left on device"
$ts2 indexed-search-0 zoekt-indexserver INFO  index job failed repo=$repo attempt=37
```""",
        note="""Resolution: the indexed-search PVC (200G) was full, so zoekt-indexserver could not write new shards and retried forever. Customer expanded the PVC to 400G and removed the leftover .tmp shards; indexing finished within 5 hours.""",
        fix="""Indexing stopped because the index volume is full: zoekt cannot write new shards and keeps retrying the same repositories.

1. Expand the `indexed-search` volume (we recommend 2x the size of your repositories on gitserver).
2. Delete leftover temporary shards: `kubectl exec indexed-search-0 -n $ns -c zoekt-indexserver -- sh -c 'rm -f /data/index/*.tmp'`
3. Indexing resumes by itself; progress is under Site admin > Repositories.

Sizing guidance: $docs/deploy/resource_estimator""",
        hold="""Customer is waiting for storage approval before expanding the index volume; following up next week.""",
    ),
    Scenario(
        key="saml_loop",
        service="frontend",
        area="authentication",
        subjects=("SAML login loop", "Users stuck in a SAML login loop with Okta after $version upgrade"),
        opening="""After the upgrade to $version, users bounce between Okta and https://$host/.auth/saml/acs and never get in. My own account ($email) has the same problem. Non-SAML admins can still sign in.""",
        ask="""Could you send your `auth.providers` configuration (you can shorten the metadata) and the frontend log from a failed login, e.g. `$logs_cmd | grep -i saml`?""",
        details="""Config:

```json
"auth.providers": [
  {
    "type": "saml",
    "configID": "okta",
    "identityProviderMetadataURL": "https://$label.okta.com/app/exk1a2b3c4d5/sso/saml/metadata",
    "allowSignup": true
  }
]
```

Log:

```
$ts1 sourcegraph-frontend-5f7b8c9d6-k2mzx frontend WARN  SAML: invalid assertion err="assertion is not yet valid (NotBefore)" user=$email
$ts2 sourcegraph-frontend-5f7b8c9d6-k2mzx frontend INFO  redirecting to IdP provider=okta status=302
```""",
        note="""Resolution: clock skew of about 90 s on the frontend nodes (NTP was disabled on their new node pool) made Okta assertions look not-yet-valid, so every login restarted. Enabled chrony on the nodes. Skew tolerance request: $issues/$issue""",
        fix="""The log shows `assertion is not yet valid (NotBefore)`: the clocks on the nodes running frontend are behind Okta's, so every assertion looks like it comes from the future and the login starts over.

Please enable time synchronisation (chrony or systemd-timesyncd) on those nodes and check with `date -u` on a node against https://time.is. SAML setup reference: $docs/auth/saml""",
        hold="""Engineering is looking at adding clock skew tolerance to SAML validation ($issues/$issue); customer has a workaround meanwhile.""",
    ),
    Scenario(
        key="repo_updater_rate_limit",
        service="repo-updater",
        area="repository_sync",
        subjects=("repo-updater hitting GitHub rate limits", "New repositories not syncing: 403 rate limit from GitHub Enterprise"),
        opening="""New repositories have not shown up for two days. repo-updater logs show 403 "API rate limit exceeded" from our GitHub Enterprise at https://$githost.""",
        ask="""Which token does the code host connection use, and is it shared with other tools? Please paste the code host configuration (you can remove secrets) and a few lines of `$logs_cmd`.""",
        details="""Here is the code host configuration:

```json
{
  "url": "https://$githost",
  "token": "$ghp",
  "orgs": ["$label", "$label-platform"],
  "repositoryQuery": ["affiliated"]
}
```

```
$ts1 repo-updater-7c5d9f8b6-q4wzn repo-updater WARN  syncer.sync failed externalServiceID=3 err="request to https://$githost/api/v3/orgs/$label/repos returned status 403: API rate limit exceeded"
```""",
        note="""Resolution: the GitHub token belonged to a bot account shared with CI, which used up the 5000 requests/hour. Customer created a dedicated token and we set "rateLimit": {"enabled": true, "requestsPerHour": 3000}. Asked them to rotate the ghp_ token pasted in this ticket.""",
        fix="""The token in the connection belongs to an account that CI uses as well, so together they exhaust GitHub's 5,000 requests per hour.

1. Create a dedicated token for the code search instance (read-only `repo` scope is enough).
2. Add an internal rate limit to the code host configuration:

```json
{
  "rateLimit": { "enabled": true, "requestsPerHour": 3000 }
}
```

3. Please rotate the token you pasted above.

See $docs/external_service/github#rate-limits""",
        hold="""Waiting for the customer's GitHub admins to issue a dedicated token.""",
        attachments=(("repo-updater-$label.log", "text/plain"),),
    ),
    Scenario(
        key="codeintel_uploads",
        service="precise-code-intel-worker",
        area="code_intelligence",
        subjects=("precise-code-intel-worker fails to process SCIP uploads", "Code intel uploads stuck in queued on $version"),
        opening="""Since we moved our upload storage to S3, every SCIP upload stays "queued" and precise-code-intel-worker logs errors. Precise navigation is gone for all repositories on $host.""",
        ask="""Could you share the upload store environment of precise-code-intel-worker (`kubectl get deploy precise-code-intel-worker -n $ns -o yaml`) and the error from `$logs_cmd`?""",
        details="""Environment:

```
PRECISE_CODE_INTEL_UPLOAD_BACKEND=S3
PRECISE_CODE_INTEL_UPLOAD_BUCKET=$label-sg-codeintel
PRECISE_CODE_INTEL_UPLOAD_AWS_ENDPOINT=https://s3.us-east-1.amazonaws.com
PRECISE_CODE_INTEL_UPLOAD_AWS_ACCESS_KEY_ID=$aws_key
PRECISE_CODE_INTEL_UPLOAD_AWS_SECRET_ACCESS_KEY=$aws_secret
```

Error:

```
$ts1 precise-code-intel-worker-84d6c7b9f-w8q2n precise-code-intel-worker ERROR failed to process upload id=$upload_id err="AccessDenied: Access Denied\\n\\tstatus code: 403"
```""",
        note="""Resolution: the IAM user behind the access key had no s3:GetObject on the new bucket. Customer added the policy; the queue drained in 20 minutes. Advised rotating the AWS credentials pasted in this ticket.""",
        fix="""The worker gets `AccessDenied` because the IAM user can write uploads but cannot read them back. Please grant it `s3:GetObject`, `s3:PutObject` and `s3:DeleteObject` on the bucket; the queued uploads are retried automatically.

Since the access key and secret were pasted in this ticket, please rotate them as well. Reference: https://docs.sourcegraph.com/code_navigation/explanations/uploads""",
        hold="""Escalated to code-intel: uploads also fail with the correct IAM policy, possibly the SSE-KMS bucket setting ($issues/$issue).""",
        attachments=(("worker-env-$label.txt", "text/plain"),),
    ),
    Scenario(
        key="pgsql_dirty_migration",
        service="pgsql",
        area="administration",
        subjects=("Upgrade to $version fails: dirty database", 'frontend crashloop after upgrade: "Dirty database version"'),
        opening="""The upgrade from $prev_version to $version failed halfway and frontend is now in CrashLoopBackOff:

```
$ts1 sourcegraph-frontend-6c9d8b7f5-r2d2x frontend ERROR failed to connect to frontend database err="Dirty database version 1528395834. Fix and force version."
```""",
        ask="""This usually means a migration was interrupted. Could you send the database connection settings frontend uses (you may mask the password) and the output of the migrator's `drift` command for your version?""",
        details="""Environment of frontend:

```
PGHOST=$dbhost
PGPORT=5432
PGUSER=sg
PGPASSWORD=$db_pass
PGDATABASE=sourcegraph
PGDATASOURCE="host=$dbhost port=5432 user=sg password=$db_pass dbname=sourcegraph sslmode=disable"
CODEINTEL_PGDATASOURCE=$db_url
```

Drift output said the schema matches $version except for migration 1528395834.""",
        note="""Resolution: migration 1528395834 was interrupted when the migrator pod was evicted during node maintenance. Ran `migrator drift`, confirmed the migration had applied, then `migrator add-log -db=frontend -version=1528395834` and `migrator up`. Frontend started.""",
        fix="""The migration was interrupted but had already applied, so the database only needs to be marked as clean:

```
kubectl -n $ns run migrator --rm -it --image=sourcegraph/migrator:$version -- add-log -db=frontend -version=1528395834
kubectl -n $ns run migrator --rm -it --image=sourcegraph/migrator:$version -- up
```

Step-by-step guide: $docs/how-to/dirty_database. Since the database password was pasted in this ticket, consider rotating it.""",
        hold="""Waiting on the database team: the drift output shows two partially applied migrations ($issues/$issue).""",
        attachments=(("frontend-env-$label.txt", "text/plain"),),
    ),
    Scenario(
        key="syntect_panic",
        service="syntect-server",
        area="search",
        subjects=("syntect-server crashing, no syntax highlighting", "Files render without highlighting; syntect-server panics"),
        opening="""Since $version, large files render without syntax highlighting and syntect-server restarts every few minutes:

```
$ts1 syntect-server-8d7f6c5b4-zz9tk syntect-server thread 'rocket-worker-thread' panicked at 'called `Option::unwrap()` on a `None` value', src/main.rs:142:51
$ts2 syntect-server-8d7f6c5b4-zz9tk syntect-server note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
```""",
        ask="""Does it happen for particular files? A stack trace from frontend at the same time would help: `$logs_cmd | grep -A 20 panic`.""",
        details="""It seems to be minified JavaScript in $repo. Frontend also panicked once:

```
panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x1c2d4e5]

goroutine 1287 [running]:
github.com/sourcegraph/sourcegraph/internal/highlight.Code({0x2a1c3e8, 0xc00f2b6c30}, {{0xc012a4e000, 0x2f4a1c}, {0xc0004b2d80, 0x1f}, 0x0, 0x0, 0x1, 0x0})
	/go/src/github.com/sourcegraph/sourcegraph/internal/highlight/highlight.go:412 +0x1e5
github.com/sourcegraph/sourcegraph/cmd/frontend/graphqlbackend.(*GitTreeEntryResolver).Highlight(0xc00a7b3e00, {0x2a1c3e8, 0xc00f2b6c30}, 0xc00e4a1f80)
	/go/src/github.com/sourcegraph/sourcegraph/cmd/frontend/graphqlbackend/highlight.go:58 +0x2c7
```""",
        note="""Resolution: lines longer than 1 MB in minified bundles crashed syntect; frontend then dereferenced the empty response. Fixed in $fix_version (commit $sha). Workaround until they upgrade: add the bundles to highlight exclusions.""",
        fix="""Minified files with extremely long lines crash the highlighter, and frontend did not handle the empty response. Both are fixed in $fix_version ($issues/$issue). Until you upgrade you can skip highlighting for those files:

```json
{
  "highlight.exclude": ["**/*.min.js"]
}
```""",
        hold="""Reproduced on $version; engineering is working on it in $issues/$issue.""",
    ),
    Scenario(
        key="license_rejected",
        service="frontend",
        area="licensing",
        subjects=("License key not accepted after renewal", 'New license key rejected: "license expired"'),
        opening="""We renewed our subscription last week, but $host still shows the banner "Your license expired" and blocks new users. We pasted the new key into the site configuration.""",
        ask="""Could you paste the key you entered (or the license ID shown under Site admin > License) so we can check it against our records?""",
        details="""This is the key we got from our account manager:

```
$license
```

It's in the site configuration as `"licenseKey"`. The API still reports the old expiry:

```
curl -sS -H 'Authorization: token $sgp_instance' https://$host/.api/graphql \\
  -d '{"query": "{ site { productSubscription { license { expiresAt } } } }"}'
{"data":{"site":{"productSubscription":{"license":{"expiresAt":"$expired"}}}}}
```""",
        note="""Resolution: the renewal key was issued against the old instance ID from before their migration. Sales ops re-issued the key for the current site ID; banner gone after saving it.""",
        fix="""The new key was generated for your previous instance, which is why it was rejected. We have issued a replacement for your current instance and sent it to your account team. Paste it into Site admin > Configuration as `licenseKey` and save; no restart is needed.

Reference: $docs/subscriptions""",
        hold="""Waiting for sales ops to re-issue the license for the new instance ID.""",
    ),
    Scenario(
        key="frontend_502",
        service="frontend",
        area="administration",
        subjects=("502 Bad Gateway from frontend behind ingress", "Intermittent 502s on $host since $version"),
        opening="""Users get intermittent 502 errors from our load balancer ($pubip) when running longer searches on https://$host. ingress-nginx log:

```
$pubip2 - - [$clf_time] "GET /.api/search/stream?q=context:global+lang:go HTTP/1.1" 502 150 "-" "Mozilla/5.0" 3.002 [$ns-sourcegraph-frontend-http] $ip:3080 0 30.001 502
```""",
        ask="""Which ingress controller and annotations do you use? Please share the Ingress manifest for the frontend.""",
        details="""Here it is:

```yaml
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: sourcegraph-frontend
  annotations:
    nginx.ingress.kubernetes.io/proxy-read-timeout: "30"
spec:
  tls:
    - hosts: ["$host"]
      secretName: $label-tls
  rules:
    - host: $host
```""",
        note="""Resolution: ingress proxy-read-timeout of 30 s was shorter than streaming searches; raised to 1800 s and disabled proxy buffering for /.api/search/stream. 502s gone.""",
        fix="""The ingress closes the connection after 30 seconds (`proxy-read-timeout: "30"`), which cuts off streaming searches. Set:

```yaml
nginx.ingress.kubernetes.io/proxy-read-timeout: "1800"
nginx.ingress.kubernetes.io/proxy-buffering: "off"
```

See $docs/deploy/kubernetes/configure#ingress-controller""",
        hold="""Customer's network team has to approve the ingress change; on hold until their change window.""",
    ),
    Scenario(
        key="redis_eviction",
        service="redis",
        area="administration",
        subjects=("Users logged out randomly", "redis-store evicting sessions: users logged out every few hours"),
        opening="""Since moving to managed Redis, our users on $host get logged out every few hours. Nothing in frontend logs except `session not found`.""",
        ask="""Could you share how redis-store and redis-cache are configured and the output of `redis-cli INFO memory` and `INFO stats`?""",
        details="""Both use the same instance:

```
REDIS_STORE_ENDPOINT=redis://:$redis_pass@$redishost:6379/0
REDIS_CACHE_ENDPOINT=redis://:$redis_pass@$redishost:6379/0
```

```
used_memory_human:7.98G
maxmemory_human:8.00G
maxmemory_policy:allkeys-lru
evicted_keys:184223
```""",
        note="""Resolution: redis-store shared one managed Redis with redis-cache under allkeys-lru, so cache pressure evicted session keys. Split into two instances, redis-store with noeviction.""",
        fix="""redis-store and redis-cache share one instance with `allkeys-lru`, so when the cache fills up Redis evicts session keys and users are logged out.

Run them as two instances and set `maxmemory-policy noeviction` on the store. Details: $docs/deploy/redis""",
        hold="""Waiting for the customer to provision a second Redis instance.""",
    ),
)

CUSTOMER_GREETINGS = ("Hi team,", "Hello,", "Hi Support,", "Hey folks,", "Good morning,")
AGENT_GREETINGS = ("Hi $first,", "Hello $first,", "Hi $first, thanks for reaching out.")
CUSTOMER_THANKS = (
    "That fixed it, thanks a lot!",
    "Confirmed, it has been stable since yesterday. You can close this.",
    "Thanks $agent, all good now.",
)
FOLLOW_UP = "Just checking in: were you able to collect the information above? I'll keep this ticket open for a few more days."
CC_INTRO = "Adding $cc_name from our platform team, who runs the cluster."
CC_REPLY = "Hi, $cc_first here. I can confirm this on our side too, see below."
CLOSED_FOLLOW_UP = "Quick follow-up: we upgraded to $fix_version this week and the problem has not come back. Thanks again!"
CLOSED_FOLLOW_UP_REPLY = "Great to hear, thanks for letting us know. Closing this one."


def _customer_signoff(rng: random.Random) -> str:
    return rng.choice(
        (
            "Thanks,\n$first",
            "Best regards,\n$name\n$title, $org\n$phone",
            "Cheers,\n$first",
            "--\n$name | $title | $org\nTel: $phone | $email",
        )
    )


def _agent_signoff(rng: random.Random) -> str:
    return rng.choice(("Best,\n$agent_full\nCustomer Engineering", "Cheers,\n$agent", "Kind regards,\n$agent_full"))


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())


def _log_ts(ts: int, millis: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + f".{millis:03d}Z"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _alnum(rng: random.Random, n: int, alphabet: str = _ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


_FENCE = re.compile(r"```[a-z]*\n(.*?)```", re.DOTALL)
_URL = re.compile(r"https?://[^\s<>\"')]+")


def html_body(body: str) -> str:
    """Render a comment body the way Zendesk's html_body looks: paragraphs, <pre>, links."""
    parts: list[str] = []
    pos = 0
    for match in _FENCE.finditer(body):
        parts.extend(_paragraphs(body[pos : match.start()]))
        parts.append(f"<pre><code>{html.escape(match.group(1).rstrip(chr(10)), quote=False)}</code></pre>")
        pos = match.end()
    parts.extend(_paragraphs(body[pos:]))
    return '<div class="zd-comment" dir="auto">' + "".join(parts) + "</div>"


def _paragraphs(text: str) -> list[str]:
    out = []
    for para in re.split(r"\n\s*\n", text.strip()):
        if para:
            escaped = html.escape(para, quote=False)
            linked = _URL.sub(lambda m: f'<a href="{m.group(0)}" rel="noopener noreferrer">{m.group(0)}</a>', escaped)
            out.append('<p dir="auto">' + linked.replace("\n", "<br>") + "</p>")
    return out


def plain_body(body: str) -> str:
    """Zendesk's plain_body: what html_body reads as without its markup. Here that is each
    paragraph (trimmed, line breaks kept) and each code block's text, a blank line apart."""
    blocks: list[str] = []
    pos = 0
    for match in _FENCE.finditer(body):
        blocks.extend(para.strip() for para in re.split(r"\n\s*\n", body[pos : match.start()].strip()))
        blocks.append(match.group(1).rstrip("\n"))
        pos = match.end()
    blocks.extend(para.strip() for para in re.split(r"\n\s*\n", body[pos:].strip()))
    return "\n\n".join(block for block in blocks if block.strip()).strip()


# ---------------------------------------------------------------------------
# The dataset
# ---------------------------------------------------------------------------

# Ids of updates that added no comment; comment updates use the comment's audit_id.
_AUDIT_BASE = 7_000_000_000_000


@dataclass(frozen=True)
class Audit:
    """One update of a ticket, as the incremental ticket events stream lists it."""

    timestamp: int
    id: int
    ticket_id: int
    updater_id: int | None
    comment: dict[str, Any] | None  # the comment this update added, if any
    changes: tuple[tuple[str, Any], ...]  # (field, new value)
    create: bool = False



@dataclass
class Dataset:
    """The fake account's whole state. Records are plain JSON-like dicts, as the API returns them.

    `comments` and `metric_sets` are keyed by ticket id. `stale_versions` are
    older ticket snapshots that stay in the incremental stream (see module doc).
    `planted` maps a kind (email, token, ...) to the customer values of that
    kind that occur somewhere in the data.

    While a FakeZendesk serves this dataset, change it through the server's
    mutation methods: they hold the lock its request threads read under.
    """

    seed: int
    subdomain: str
    tickets: dict[int, dict[str, Any]]
    users: dict[int, dict[str, Any]]
    organizations: dict[int, dict[str, Any]]
    comments: dict[int, list[dict[str, Any]]]
    metric_sets: dict[int, dict[str, Any]]
    ticket_fields: list[dict[str, Any]]
    stale_versions: list[dict[str, Any]]
    planted: dict[str, list[str]]
    clock: int
    repeated_ticket_id: int | None = None
    deleted_ticket_id: int | None = None
    big_log_ticket_id: int | None = None
    yaml_trap_ticket_ids: list[int] = field(default_factory=list)

    # -- ground truth -----------------------------------------------------

    def planted_sensitive(self) -> list[str]:
        """Every planted customer value (sorted, unique); none may appear in an archive."""
        return sorted({value for values in self.planted.values() for value in values})

    def planted_by_kind(self) -> dict[str, list[str]]:
        return {kind: list(values) for kind, values in sorted(self.planted.items())}

    def expected_archived_ids(self) -> set[int]:
        """Tickets whose latest state is solved or closed."""
        return {tid for tid, t in self.tickets.items() if t["status"] in ARCHIVED_STATUSES}

    def solved_at(self, ticket_id: int) -> datetime | None:
        """When the ticket was (last) solved, per its metric set; None while unsolved."""
        value = self.metric_sets[ticket_id]["solved_at"]
        return datetime.fromtimestamp(parse_iso(value), timezone.utc) if value else None

    def created_at(self, ticket_id: int) -> datetime:
        return datetime.fromtimestamp(parse_iso(self.tickets[ticket_id]["created_at"]), timezone.utc)

    def public_comment_count(self, ticket_id: int) -> int:
        return sum(1 for c in self.comments.get(ticket_id, ()) if c["public"])

    def stream(self) -> list[tuple[tuple[int, int], dict[str, Any]]]:
        """The incremental export's ticket versions, ordered by (generated_timestamp, id)."""
        versions = [*self.tickets.values(), *self.stale_versions]
        keyed = [((int(t["generated_timestamp"]), int(t["id"])), t) for t in versions]
        return sorted(keyed, key=lambda item: item[0])

    def audits(self) -> list["Audit"]:
        """The ticket events stream's updates, ordered by (timestamp, id).

        Derived from the current state: one update per comment (the first also
        creates the ticket), one when the ticket was solved, and one for its
        latest change when no comment made it (closing, deleting, reopening)."""
        audits: list[Audit] = []
        for tid in sorted(self.tickets):
            ticket = self.tickets[tid]
            comments = sorted(self.comments.get(tid, ()), key=lambda c: (parse_iso(c["created_at"]), c["id"]))
            stamps = set()
            for n, comment in enumerate(comments):
                stamp = parse_iso(comment["created_at"])
                stamps.add(stamp)
                audits.append(Audit(stamp, comment["audit_id"], tid, comment["author_id"], comment, (), create=n == 0))
            solved = self.metric_sets.get(tid, {}).get("solved_at")
            if solved and parse_iso(solved) not in stamps:
                stamps.add(parse_iso(solved))
                change = (("status", "solved"),)
                audits.append(Audit(parse_iso(solved), _AUDIT_BASE + tid * 4 + 1, tid, ticket["assignee_id"], None, change))
            latest = int(ticket["generated_timestamp"])
            if latest not in stamps:
                change = (("status", ticket["status"]),)
                audits.append(Audit(latest, _AUDIT_BASE + tid * 4 + 2, tid, ticket["assignee_id"], None, change))
        audits.sort(key=lambda a: (a.timestamp, a.id))
        return audits

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "tickets": [self.tickets[k] for k in sorted(self.tickets)],
            "users": [self.users[k] for k in sorted(self.users)],
            "organizations": [self.organizations[k] for k in sorted(self.organizations)],
            "comments": {str(k): self.comments[k] for k in sorted(self.comments)},
            "metric_sets": [self.metric_sets[k] for k in sorted(self.metric_sets)],
            "ticket_fields": self.ticket_fields,
            "stale_versions": self.stale_versions,
            "planted": self.planted_by_kind(),
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False, indent=1) + "\n"

    # -- mutations: each one is a new, later version of the ticket ---------

    def add_ticket(
        self,
        subject: str = "New ticket",
        body: str = "Please help.",
        *,
        requester_id: int | None = None,
        status: str = "new",
        **fields: Any,
    ) -> int:
        """Create a ticket (the requester's first comment is `body`); returns its id."""
        requester = self.users[requester_id] if requester_id is not None else self._first_customer()
        ticket_id = max(self.tickets, default=0) + 1
        now = self._tick()
        agent_id = self._first_agent()
        ticket = _ticket_record(
            self.subdomain,
            ticket_id,
            subject=subject,
            description=body,
            status="new",
            requester=requester,
            assignee_id=None if status == "new" else agent_id,
            created=now,
            channel="web",
        )
        self.tickets[ticket_id] = ticket
        self.comments[ticket_id] = []
        self.metric_sets[ticket_id] = _metric_set(self.subdomain, ticket_id, now)
        self._append_comment(ticket_id, body, requester["id"], True, now)
        if status != "new" or fields:
            self.update_ticket(ticket_id, status=status, **fields)
        return ticket_id

    def update_ticket(self, ticket_id: int, **fields: Any) -> dict[str, Any]:
        ticket = self._live(ticket_id)
        now = self._tick()
        old_status = ticket["status"]
        ticket.update(copy.deepcopy(fields))
        if "subject" in fields:
            ticket["raw_subject"] = fields["subject"]
        if ticket["status"] != old_status:
            self._status_changed(ticket, old_status, now)
        self._touch(ticket, now)
        return copy.deepcopy(ticket)

    def add_comment(
        self, ticket_id: int, body: str, author_id: int | None = None, public: bool = True
    ) -> dict[str, Any]:
        """Add a comment (default author: the assignee). Like Zendesk, a public end-user
        comment on a pending or solved ticket reopens it."""
        ticket = self._live(ticket_id)
        now = self._tick()
        author_id = author_id if author_id is not None else (ticket["assignee_id"] or self._first_agent())
        comment = self._append_comment(ticket_id, body, author_id, public, now)
        author = self.users.get(author_id, {})
        if public and author.get("role") == "end-user" and ticket["status"] in ("pending", "solved"):
            old = ticket["status"]
            ticket["status"] = "open"
            self._status_changed(ticket, old, now)
        self._touch(ticket, now)
        return copy.deepcopy(comment)

    def solve(self, ticket_id: int) -> dict[str, Any]:
        return self.update_ticket(ticket_id, status="solved")

    def reopen(self, ticket_id: int) -> dict[str, Any]:
        return self.update_ticket(ticket_id, status="open")

    def delete_ticket(self, ticket_id: int) -> dict[str, Any]:
        return self.update_ticket(ticket_id, status="deleted")

    def _live(self, ticket_id: int) -> dict[str, Any]:
        ticket = self.tickets[ticket_id]
        if ticket["status"] == "deleted":
            raise ValueError(f"ticket {ticket_id} is deleted")
        return ticket

    def _tick(self) -> int:
        self.clock += 60
        return self.clock

    def _touch(self, ticket: dict[str, Any], now: int) -> None:
        ticket["updated_at"] = iso(now)
        ticket["generated_timestamp"] = now
        self.metric_sets[ticket["id"]]["updated_at"] = iso(now)

    def _status_changed(self, ticket: dict[str, Any], old: str, now: int) -> None:
        metric = self.metric_sets[ticket["id"]]
        metric["status_updated_at"] = iso(now)
        if ticket["status"] in ARCHIVED_STATUSES and old not in ARCHIVED_STATUSES:
            metric["solved_at"] = iso(now)
        elif ticket["status"] not in ARCHIVED_STATUSES and ticket["status"] != "deleted":
            if old in ARCHIVED_STATUSES:
                metric["reopens"] += 1
            metric["solved_at"] = None

    def _append_comment(self, ticket_id: int, body: str, author_id: int, public: bool, now: int) -> dict[str, Any]:
        all_comments = [c for cs in self.comments.values() for c in cs]
        comment_id = max((c["id"] for c in all_comments), default=9_000_000_000) + 1
        comment = _comment_record(comment_id, author_id, body, public, now, channel="api")
        self.comments[ticket_id].append(comment)
        metric = self.metric_sets[ticket_id]
        metric["latest_comment_added_at"] = iso(now)
        if public and self.users.get(author_id, {}).get("role") in ("agent", "admin"):
            metric["replies"] += 1
        return comment

    def _first_customer(self) -> dict[str, Any]:
        return next(u for _, u in sorted(self.users.items()) if u["role"] == "end-user")

    def _first_agent(self) -> int:
        return next(uid for uid, u in sorted(self.users.items()) if u["role"] == "agent")


# ---------------------------------------------------------------------------
# Record shapes (field names as in the Zendesk API)
# ---------------------------------------------------------------------------


def _ticket_record(
    subdomain: str,
    ticket_id: int,
    *,
    subject: str,
    description: str,
    status: str,
    requester: dict[str, Any],
    assignee_id: int | None,
    created: int,
    channel: str,
) -> dict[str, Any]:
    if channel == "email":
        source = {
            "from": {"address": requester["email"], "name": requester["name"]},
            "to": {"address": f"support@{subdomain}.zendesk.com", "name": "Support"},
            "rel": None,
        }
    else:
        source = {"from": {}, "to": {}, "rel": None}
    return {
        "url": f"https://{subdomain}.zendesk.com/api/v2/tickets/{ticket_id}.json",
        "id": ticket_id,
        "external_id": None,
        "via": {"channel": channel, "source": source},
        "created_at": iso(created),
        "updated_at": iso(created),
        "generated_timestamp": created,
        "type": "question",
        "subject": subject,
        "raw_subject": subject,
        "description": description,
        "priority": "normal",
        "status": status,
        "recipient": f"support@{subdomain}.zendesk.com",
        "requester_id": requester["id"],
        "submitter_id": requester["id"],
        "assignee_id": assignee_id,
        "organization_id": requester.get("organization_id"),
        "group_id": GROUP_SUPPORT,
        "collaborator_ids": [],
        "follower_ids": [],
        "email_cc_ids": [],
        "forum_topic_id": None,
        "problem_id": None,
        "has_incidents": False,
        "is_public": True,
        "due_at": None,
        "tags": [],
        "custom_fields": [],
        "fields": [],
        "satisfaction_rating": None,
        "sharing_agreement_ids": [],
        "followup_ids": [],
        "ticket_form_id": TICKET_FORM_ID,
        "brand_id": BRAND_ID,
        "allow_channelback": False,
        "allow_attachments": True,
        "from_messaging_channel": False,
    }


def _comment_record(
    comment_id: int,
    author_id: int,
    body: str,
    public: bool,
    created: int,
    *,
    channel: str,
    attachments: Iterable[dict[str, Any]] = (),
    ip_address: str | None = None,
) -> dict[str, Any]:
    system: dict[str, Any] = {"client": "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/121.0"}
    if ip_address:
        system["ip_address"] = ip_address
    return {
        "id": comment_id,
        "type": "Comment",
        "author_id": author_id,
        "body": body,
        "html_body": html_body(body),
        "plain_body": plain_body(body),
        "public": public,
        "attachments": list(attachments),
        "audit_id": comment_id + 1_000_000_000,
        "via": {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}},
        "metadata": {"system": system, "custom": {}},
        "created_at": iso(created),
    }


def _metric_set(subdomain: str, ticket_id: int, created: int) -> dict[str, Any]:
    return {
        "url": f"https://{subdomain}.zendesk.com/api/v2/ticket_metrics/{ticket_id + 50_000_000}.json",
        "id": ticket_id + 50_000_000,
        "ticket_id": ticket_id,
        "created_at": iso(created),
        "updated_at": iso(created),
        "group_stations": 1,
        "assignee_stations": 1,
        "reopens": 0,
        "replies": 0,
        "assignee_updated_at": None,
        "requester_updated_at": iso(created),
        "status_updated_at": iso(created),
        "initially_assigned_at": None,
        "assigned_at": None,
        "solved_at": None,
        "latest_comment_added_at": iso(created),
        "reply_time_in_minutes": {"calendar": None, "business": None},
        "first_resolution_time_in_minutes": {"calendar": None, "business": None},
        "full_resolution_time_in_minutes": {"calendar": None, "business": None},
        "agent_wait_time_in_minutes": {"calendar": None, "business": None},
        "requester_wait_time_in_minutes": {"calendar": None, "business": None},
        "on_hold_time_in_minutes": {"calendar": 0, "business": 0},
        "custom_status_updated_at": iso(created),
    }


def _ticket_fields(subdomain: str) -> list[dict[str, Any]]:
    def options(pairs: Iterable[tuple[str, str]], base: int) -> list[dict[str, Any]]:
        return [
            {"id": base + i, "name": name, "raw_name": name, "value": value, "default": False}
            for i, (value, name) in enumerate(pairs)
        ]

    specs = [
        (F_SUBJECT, "subject", "Subject", None),
        (F_DESCRIPTION, "description", "Description", None),
        (F_STATUS, "status", "Status", None),
        (F_TYPE, "tickettype", "Type", None),
        (F_PRIORITY, "priority", "Priority", None),
        (F_GROUP, "group", "Group", None),
        (F_ASSIGNEE, "assignee", "Assignee", None),
        (F_VERSION, "text", "Product version", None),
        (F_DEPLOYMENT, "tagger", "Deployment type", options(DEPLOYMENT_TYPES, 360009000001)),
        (F_AREA, "tagger", "Product area", options(PRODUCT_AREAS, 360009000101)),
        (F_INSTANCE_URL, "text", "Instance URL", None),
        (F_TIER, "tagger", "Support tier", options(TIERS, 360009000201)),
        (F_ESCALATED, "checkbox", "Escalated to engineering", None),
    ]
    fields = []
    for position, (field_id, kind, title, opts) in enumerate(specs, start=1):
        record: dict[str, Any] = {
            "url": f"https://{subdomain}.zendesk.com/api/v2/ticket_fields/{field_id}.json",
            "id": field_id,
            "type": kind,
            "title": title,
            "raw_title": title,
            "description": "",
            "raw_description": "",
            "position": position,
            "active": True,
            "required": kind == "subject",
            "collapsed_for_agents": False,
            "regexp_for_validation": None,
            "title_in_portal": title,
            "raw_title_in_portal": title,
            "visible_in_portal": kind in ("subject", "description"),
            "editable_in_portal": kind in ("subject", "description"),
            "required_in_portal": kind == "subject",
            "tag": "escalated" if kind == "checkbox" else None,
            "created_at": "2020-06-01T09:00:00Z",
            "updated_at": "2020-06-01T09:00:00Z",
            "removable": field_id >= F_VERSION,
            "key": None,
            "agent_description": None,
        }
        if opts is not None:
            record["custom_field_options"] = opts
        fields.append(record)
    return fields


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------


def build_dataset(tickets: int = 60, seed: int = 7, *, big_log: bool = True, subdomain: str = "example") -> Dataset:
    """A synthetic account with `tickets` tickets; the same arguments give the same bytes."""
    if tickets < 1:
        raise ValueError("tickets must be at least 1")
    return _Builder(random.Random(seed), subdomain).build(tickets, seed, big_log)


class _Builder:
    def __init__(self, rng: random.Random, subdomain: str) -> None:
        self.rng = rng
        self.subdomain = subdomain
        self.users: dict[int, dict[str, Any]] = {}
        self.orgs: dict[int, dict[str, Any]] = {}
        self.customers_by_org: dict[int, list[dict[str, Any]]] = {}
        self.agents: list[dict[str, Any]] = []
        self.org_values: dict[int, dict[str, str]] = {}
        self.tickets: dict[int, dict[str, Any]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self.metrics: dict[int, dict[str, Any]] = {}
        # (kind, value) pairs that may occur in the data; kept only if they do.
        # (ticket id or None for account-wide, kind, value): values that may occur in the data.
        # A ticket's own values can only occur in its records, which keeps the check linear.
        self.candidates: list[tuple[int | None, str, str]] = []
        self.scope: int | None = None
        self.big_log_values: list[tuple[str, str]] = []
        self.next_comment_id = 9_000_000_001
        self.next_attachment_id = 7_000_000_001

    def plant(self, kind: str, value: str) -> str:
        self.candidates.append((self.scope, kind, value))
        return value

    # -- people -----------------------------------------------------------

    def build_people(self) -> None:
        rng = self.rng
        for i, (name, role) in enumerate(AGENTS):
            uid = 361_000_000_101 + i
            local = unicodedata.normalize("NFKD", name.split()[0].lower()).encode("ascii", "ignore").decode()
            user = self._user(uid, name, f"{local}@{self.subdomain}-support.example.com", role, None, None, 0)
            self.users[uid] = user
            if role == "agent":
                self.agents.append(user)

        chosen = rng.sample(ORGANIZATIONS, 8)
        sizes = [rng.randint(2, 4) for _ in chosen]
        firsts = rng.sample(FIRST_NAMES, sum(sizes))
        lasts = rng.sample(LAST_NAMES, sum(sizes))
        person = 0
        for i, ((org_name, domain), size) in enumerate(zip(chosen, sizes)):
            org_id = 360_100_000_001 + i
            label = domain.split(".")[0]
            values = {
                "name": self.plant("organization", org_name),
                "domain": self.plant("domain", domain),
                "label": self.plant("org_label", label),
                "slug": self.plant("org_tag", _slug(org_name)),
                "host": self.plant("hostname", f"sourcegraph.{domain}"),
                "githost": self.plant("hostname", f"git.{label}.internal"),
                "dbhost": self.plant("hostname", f"db.{label}.internal"),
                "redishost": self.plant("hostname", f"redis.{label}.internal"),
            }
            self.org_values[org_id] = values
            created = _WINDOW_START - rng.randint(30, 900) * _DAY
            self.orgs[org_id] = {
                "url": f"https://{self.subdomain}.zendesk.com/api/v2/organizations/{org_id}.json",
                "id": org_id,
                "name": org_name,
                "shared_tickets": False,
                "shared_comments": False,
                "external_id": None,
                "created_at": iso(created),
                "updated_at": iso(created + rng.randint(1, 400) * _DAY),
                "domain_names": [domain],
                "details": "",
                "notes": "",
                "group_id": None,
                "tags": [values["slug"], rng.choice(TIERS)[0]],
                "organization_fields": {},
            }
            members = []
            for _ in range(size):
                first, last = firsts[person], lasts[person]
                person += 1
                uid = 362_000_000_001 + len(self.users)
                full = self.plant("person_name", f"{first} {last}")
                self.plant("person_name_part", first)
                self.plant("person_name_part", last)
                local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", first)).lower()
                email = self.plant("email", f"{local}@{domain}")
                phone = self.plant("phone", self._phone()) if rng.random() < 0.7 else None
                user = self._user(uid, full, email, "end-user", org_id, phone, created)
                user["details"] = rng.choice(JOB_TITLES)
                self.users[uid] = user
                members.append(user)
            self.customers_by_org[org_id] = members

    def _user(
        self, uid: int, name: str, email: str, role: str, org_id: int | None, phone: str | None, created: int
    ) -> dict[str, Any]:
        created = created or 1577869200
        return {
            "url": f"https://{self.subdomain}.zendesk.com/api/v2/users/{uid}.json",
            "id": uid,
            "name": name,
            "email": email,
            "created_at": iso(created),
            "updated_at": iso(created + _DAY),
            "time_zone": "UTC",
            "iana_time_zone": "Etc/UTC",
            "phone": phone,
            "shared_phone_number": None,
            "photo": None,
            "locale_id": 1,
            "locale": "en-US",
            "organization_id": org_id,
            "role": role,
            "verified": True,
            "external_id": None,
            "tags": [],
            "alias": "",
            "active": True,
            "shared": False,
            "shared_agent": False,
            "last_login_at": iso(created + 2 * _DAY),
            "two_factor_auth_enabled": None,
            "signature": None,
            "details": "",
            "notes": "",
            "role_type": None if role == "end-user" else 0,
            "custom_role_id": None,
            "moderator": role != "end-user",
            "ticket_restriction": "requested" if role == "end-user" else None,
            "only_private_comments": False,
            "restricted_agent": role == "end-user",
            "suspended": False,
            "default_group_id": None if role == "end-user" else GROUP_SUPPORT,
            "report_csv": role == "admin",
            "user_fields": {},
        }

    def _phone(self) -> str:
        rng = self.rng

        def d(n: int) -> str:
            return "".join(str(rng.randint(0, 9)) for _ in range(n))

        area = rng.choice(("415", "646", "312", "206", "512", "617"))
        return rng.choice(
            (
                f"+1 ({area}) 555-01{d(2)}",
                f"+1 {area}-555-01{d(2)}",
                f"({area}) 555-01{d(2)}",
                f"+1.{area}.555.01{d(2)}",
                f"+44 20 7946 0{d(3)}",
                f"+49 30 5557 {d(4)}",
                f"+33 1 84 88 {d(2)} {d(2)}",
            )
        )

    # -- network values ---------------------------------------------------

    def private_ip(self) -> str:
        rng = self.rng
        return rng.choice(
            (
                f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}",
                f"192.168.{rng.randint(0, 255)}.{rng.randint(2, 254)}",
                f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(2, 254)}",
            )
        )

    def public_ip(self) -> str:
        rng = self.rng
        first = rng.choice((34, 35, 52, 54, 18, 20, 104, 146))
        return f"{first}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(2, 254)}"

    # -- tickets ----------------------------------------------------------

    def build(self, count: int, seed: int, big_log: bool) -> Dataset:
        rng = self.rng
        self.build_people()
        created = sorted(rng.randint(_WINDOW_START, _WINDOW_END) for _ in range(count))
        ids = [1000 + i + 1 for i in range(count)]

        # Specials take fixed roles; the rest get a ~70% solved/closed mix.
        order = list(range(count))
        repeated = count // 3 if count >= 3 else None
        rng.shuffle(order)
        rest = [i for i in order if i != repeated]
        deleted = rest.pop(0) if count >= 2 else None
        big = rest.pop(0) if big_log and rest else None
        traps = [rest.pop(0) for _ in range(min(len(YAML_TRAP_SUBJECTS), max(0, len(rest) - 4)))]
        statuses: dict[int, str] = {}
        unsolved_cycle = ["open", "pending", "new", "hold"]
        n_unsolved = min(len(rest), round(count * 0.3)) if len(rest) >= 4 else 0
        for n, i in enumerate(rest):
            if n < n_unsolved:
                statuses[i] = unsolved_cycle[n % 4]
            else:
                statuses[i] = "solved" if rng.random() < 0.4 else "closed"
        for i in [deleted, big, *traps]:
            if i is not None:
                statuses[i] = "solved" if rng.random() < 0.5 else "closed"
        if repeated is not None:
            statuses[repeated] = "solved"

        # Scenarios go round-robin, archived tickets first: with a dozen solved tickets every
        # scenario, and so every kind of planted secret, reaches the archive's input.
        ranked = sorted(range(count), key=lambda i: (statuses[i] not in ARCHIVED_STATUSES, rng.random()))
        scenarios = list(SCENARIOS)
        rng.shuffle(scenarios)
        scenario_of = {i: scenarios[n % len(scenarios)] for n, i in enumerate(ranked)}
        for i in range(count):
            subject = YAML_TRAP_SUBJECTS[traps.index(i)] if i in traps else None
            self.scope = ids[i]
            self.make_ticket(ids[i], created[i], statuses[i], scenario_of[i], subject=subject, big_log=(i == big))
        self.scope = None

        stale: list[dict[str, Any]] = []
        end = max(t["generated_timestamp"] for t in self.tickets.values()) + 3600
        if deleted is not None:
            ticket = self.tickets[ids[deleted]]
            when = ticket["generated_timestamp"] + rng.randint(2, 40) * _DAY
            ticket["status"] = "deleted"
            ticket["updated_at"], ticket["generated_timestamp"] = iso(when), when
            end = max(end, when + 3600)
        if repeated is not None:
            stale.append(self.repeat(ids[repeated], end))

        ds = Dataset(
            seed=seed,
            subdomain=self.subdomain,
            tickets=self.tickets,
            users=self.users,
            organizations=self.orgs,
            comments=self.comments,
            metric_sets=self.metrics,
            ticket_fields=_ticket_fields(self.subdomain),
            stale_versions=stale,
            planted={},
            clock=max(t["generated_timestamp"] for t in self.tickets.values()),
            repeated_ticket_id=ids[repeated] if repeated is not None else None,
            deleted_ticket_id=ids[deleted] if deleted is not None else None,
            big_log_ticket_id=ids[big] if big is not None else None,
            yaml_trap_ticket_ids=sorted(ids[i] for i in traps),
        )
        ds.planted = self.planted_in(ds)
        return ds

    def planted_in(self, ds: Dataset) -> dict[str, list[str]]:
        """Keep the candidates that really occur. The big log is left out of the scan
        (it is 2 MB); the values written into it are recorded as it is built."""

        def text(value: Any) -> str:
            return json.dumps(value, ensure_ascii=False)

        def without_big_log(comments: list[dict[str, Any]]) -> list[dict[str, Any]]:
            blank = {"body": "", "html_body": "", "plain_body": ""}
            return [c if len(c["body"]) < 500_000 else {**c, **blank} for c in comments]

        account = text([ds.users, ds.organizations, ds.ticket_fields])
        per_ticket = {
            tid: text([t, without_big_log(ds.comments[tid]), [v for v in ds.stale_versions if v["id"] == tid]])
            for tid, t in ds.tickets.items()
        }
        planted: dict[str, set[str]] = {}
        for scope, kind, value in self.candidates:
            if scope is not None:
                found = value in per_ticket[scope]
            else:
                found = value in account or any(value in blob for blob in per_ticket.values())
            if found:
                planted.setdefault(kind, set()).add(value)
        for kind, value in self.big_log_values:
            planted.setdefault(kind, set()).add(value)
        return {kind: sorted(values) for kind, values in sorted(planted.items())}

    def _context(
        self,
        org_id: int,
        requester: dict[str, Any],
        cc: dict[str, Any] | None,
        agent: dict[str, Any],
        created: int,
        deployment: tuple[str, str],
        scenario: Scenario,
    ) -> dict[str, str]:
        """Every $placeholder the templates use, for one ticket."""
        rng = self.rng
        org = self.org_values[org_id]
        position = (created - _WINDOW_START) / (_WINDOW_END - _WINDOW_START)
        vi = min(len(VERSIONS) - 2, max(1, int(position * (len(VERSIONS) - 1))))
        label = org["label"]
        repo = self.plant(
            "repository",
            rng.choice(
                (f"github.com/{label}/{rng.choice(REPO_NAMES)}", f"{org['githost']}/platform/{rng.choice(REPO_NAMES)}")
            ),
        )
        ns = rng.choice(("sourcegraph", "sourcegraph-prod", "code-search", "default"))
        statefulsets = {
            "gitserver": "gitserver-0",
            "pgsql": "pgsql-0",
            "redis": "redis-store-0",
            "zoekt-indexserver": "indexed-search-0",
        }
        replica = f"{_hex(rng, 9)}-{_alnum(rng, 5, 'bcdfghjklmnpqrstvwxz2456789')}"
        pod = statefulsets.get(scenario.service) or f"{scenario.service}-{replica}"
        kind = deployment[0]
        if kind == "kubernetes":
            logs_cmd = f"kubectl logs {pod} -n {ns} --tail=500"
        elif kind == "docker_compose":
            logs_cmd = f"docker logs {scenario.service} --tail 500"
        else:
            logs_cmd = "docker logs sourcegraph --tail 500"
        ip = self.plant("ip", self.private_ip())
        db_pass = self.plant(
            "password",
            rng.choice(("S3cr3t", "Pa55w0rd", "Gr33nL1ght", "Sup3rS4fe", "H0rs3Battery", "Tr0ub4dor"))
            + _alnum(rng, 6)
            + rng.choice("!_-")
            + str(rng.randint(10, 99)),
        )
        log_start = created - rng.randint(1, 20) * 3600
        return {
            "first": requester["name"].split()[0],
            "name": requester["name"],
            "email": requester["email"],
            "phone": requester["phone"] or self.plant("phone", self._phone()),
            "title": requester["details"],
            "org": org["name"],
            "label": label,
            "host": org["host"],
            "githost": org["githost"],
            "dbhost": org["dbhost"],
            "redishost": org["redishost"],
            "cc_name": cc["name"] if cc else "",
            "cc_first": cc["name"].split()[0] if cc else "",
            "agent": agent["name"].split()[0],
            "agent_full": agent["name"],
            "version": VERSIONS[vi],
            "prev_version": VERSIONS[vi - 1],
            "fix_version": VERSIONS[vi + 1],
            "deploy": deployment[1],
            "ns": ns,
            "pod": pod,
            "logs_cmd": logs_cmd,
            "repo": repo,
            "shard": quote(repo, safe=""),
            "ip": ip,
            "ip2": self.plant("ip", self.private_ip()),
            "node": self.plant("hostname", f"ip-{ip.replace('.', '-')}.ec2.internal"),
            "pubip": self.plant("ip", self.public_ip()),
            "pubip2": self.plant("ip", self.public_ip()),
            "ts1": _log_ts(log_start, rng.randint(0, 999)),
            "ts2": _log_ts(log_start + rng.randint(5, 900), rng.randint(0, 999)),
            "ts3": _log_ts(log_start + rng.randint(901, 1800), rng.randint(0, 999)),
            "clf_time": datetime.fromtimestamp(log_start, timezone.utc).strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "sha": _hex(rng, 40),
            "digest": _hex(rng, 64),
            "issue": str(rng.randint(31000, 58999)),
            "upload_id": str(rng.randint(10000, 99999)),
            "n_repos": f"{rng.randint(2, 40) * 100:,}",
            "mem": rng.choice(("4Gi", "6Gi", "8Gi")),
            "mem_new": rng.choice(("12Gi", "16Gi")),
            "sgp": self.plant("token", "sgp_" + _hex(rng, 40)),
            # The newer token format names the instance it belongs to.
            "sgp_instance": self.plant("token", f"sgp_{_hex(rng, 16)}_{_hex(rng, 40)}"),
            "expired": iso(created - rng.randint(1, 30) * _DAY),
            "ghp": self.plant("token", "ghp_" + _alnum(rng, 36)),
            "aws_key": self.plant("token", "AKIA" + _alnum(rng, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
            "aws_secret": self.plant("token", _alnum(rng, 40, _ALNUM + "+/")),
            "db_pass": db_pass,
            "db_url": self.plant("connection_string", f"postgres://sg:{db_pass}@{org['dbhost']}:5432/sourcegraph"),
            "redis_pass": self.plant("password", _alnum(rng, 24)),
            "license": self.plant("license_key", base64.b64encode(rng.randbytes(180)).decode("ascii")),
            "docs": DOCS,
            "issues": ISSUES,
        }

    def make_ticket(
        self, ticket_id: int, created: int, status: str, scenario: Scenario, *, subject: str | None, big_log: bool
    ) -> None:
        rng = self.rng
        org_id = rng.choice(sorted(self.customers_by_org))
        members = self.customers_by_org[org_id]
        requester = rng.choice(members)
        others = [m for m in members if m["id"] != requester["id"]]
        cc = rng.choice(others) if others and rng.random() < 0.35 else None
        agent = rng.choice(self.agents)
        deployment = rng.choice(DEPLOYMENTS)
        ctx = self._context(org_id, requester, cc, agent, created, deployment, scenario)

        def render(text: str) -> str:
            return Template(text).substitute(ctx)

        channel = rng.choice(("email", "web", "web"))

        if subject is None:
            subject = render(rng.choice(scenario.subjects))
            roll = rng.random()
            if roll < 0.15:
                subject = f"[{ctx['org']}] {subject}"
            elif roll < 0.25:
                subject = f"{subject} ({ctx['host']})"

        # The conversation, as (author, public, body, attachments) in order.
        turns: list[tuple[dict[str, Any], bool, str, list[dict[str, Any]]]] = []
        sign = render(_customer_signoff(rng))
        opening = f"{rng.choice(CUSTOMER_GREETINGS)}\n\n{render(scenario.opening)}\n\n{sign}"
        turns.append((requester, True, opening, []))
        greet, again = render(rng.choice(AGENT_GREETINGS)), render("Hi $first,")
        agent_sign = render(_agent_signoff(rng))
        if status != "new":
            ask = f"{greet}\n\n{render(scenario.ask)}\n\n{agent_sign}"
            turns.append((agent, True, ask, []))
        if status in ("open", "hold", "solved", "closed"):
            if cc is not None:
                # A colleague on CC takes over: their message is the one with logs and secrets.
                turns.append((requester, True, render(CC_INTRO), []))
                details_author = cc
                details = f"{render(CC_REPLY)}\n\n{render(scenario.details)}\n\nThanks,\n{ctx['cc_first']}"
            else:
                details_author = requester
                details = f"{render(scenario.details)}\n\n{render(_customer_signoff(rng))}"
            attachments = [
                self.attachment(render(name), ctype, ctx) for name, ctype in scenario.attachments if rng.random() < 0.7
            ]
            turns.append((details_author, True, details, attachments))
            if big_log:
                log_file = self.attachment(f"full-{ctx['pod']}-{ctx['label']}.log", "text/plain", ctx)
                turns.append((details_author, True, self.big_log(ctx), [log_file]))
        if status == "pending":
            turns.append((agent, True, f"{again}\n\n{FOLLOW_UP}\n\n{agent_sign}", []))
        if status == "hold":
            turns.append((agent, False, render(scenario.hold), []))
        if status in ("solved", "closed"):
            note = render(scenario.note) if rng.random() < 0.85 else f"Linked to {ISSUES}/{ctx['issue']}; fix below."
            turns.append((agent, False, note, []))
            turns.append((agent, True, f"{again}\n\n{render(scenario.fix)}\n\n{agent_sign}", []))
            if rng.random() < 0.4:
                turns.append((requester, True, render(rng.choice(CUSTOMER_THANKS)), []))

        ticket = _ticket_record(
            self.subdomain,
            ticket_id,
            subject=subject,
            description=opening,
            status=status,
            requester=requester,
            assignee_id=None if status == "new" else agent["id"],
            created=created,
            channel=channel,
        )
        comments = []
        when = created
        replies = 0
        first_reply: int | None = None
        for n, (author, public, body, attachments) in enumerate(turns):
            if n:
                when += rng.randint(20, 36 * 60) * 60
            is_customer = author["role"] == "end-user"
            comments.append(
                _comment_record(
                    self.next_comment_id,
                    author["id"],
                    body,
                    public,
                    when,
                    channel=channel if is_customer else "web",
                    attachments=attachments,
                    ip_address=self.plant("ip", self.public_ip()) if is_customer and channel == "web" else None,
                )
            )
            self.next_comment_id += 1
            if public and not is_customer:
                replies += 1
                first_reply = first_reply or when
        solved_at = when + rng.randint(5, 120) * 60 if status in ARCHIVED_STATUSES else None
        # Zendesk closes solved tickets after four days.
        closed_at = solved_at + 4 * _DAY + rng.randint(0, 3600) if status == "closed" and solved_at else None
        updated = closed_at or solved_at or when

        deploy_tag, area_tag, tier_tag = deployment[0], scenario.area, rng.choice(TIERS)[0]
        escalated = status == "hold" or rng.random() < 0.15
        custom = [
            {"id": F_VERSION, "value": ctx["version"]},
            {"id": F_DEPLOYMENT, "value": deploy_tag},
            {"id": F_AREA, "value": area_tag},
            {"id": F_INSTANCE_URL, "value": f"https://{ctx['host']}" if rng.random() < 0.8 else None},
            {"id": F_TIER, "value": tier_tag},
            {"id": F_ESCALATED, "value": escalated},
        ]
        tags = {self.org_values[org_id]["slug"], scenario.service, deploy_tag, area_tag, tier_tag}
        if escalated:
            tags.add("escalated")
        if "upgrade" in subject.lower():
            tags.add("upgrade")
        ticket.update(
            {
                "updated_at": iso(updated),
                "generated_timestamp": updated,
                "type": "incident" if scenario.key in ("frontend_502", "gitserver_oom", "saml_loop") else "question",
                "priority": rng.choice(("low", "normal", "normal", "high", "urgent")),
                "collaborator_ids": [cc["id"]] if cc else [],
                "email_cc_ids": [cc["id"]] if cc else [],
                "follower_ids": [rng.choice(self.agents)["id"]] if rng.random() < 0.3 else [],
                "group_id": GROUP_CE if escalated else GROUP_SUPPORT,
                "tags": sorted(tags),
                "custom_fields": custom,
                "fields": copy.deepcopy(custom),
                "satisfaction_rating": (
                    {
                        "score": rng.choice(("good", "good", "bad", "offered")),
                        "id": ticket_id + 80_000_000,
                        "comment": None,
                    }
                    if status in ARCHIVED_STATUSES
                    else {"score": "unoffered"}
                ),
            }
        )
        metric = _metric_set(self.subdomain, ticket_id, created)
        unknown = {"calendar": None, "business": None}

        def minutes(start: int, end: int) -> dict[str, int]:
            # Business hours are roughly half of calendar time.
            return {"calendar": (end - start) // 60, "business": (end - start) // 120}

        metric.update(
            {
                "updated_at": iso(updated),
                "replies": replies,
                "assignee_updated_at": comments[1]["created_at"] if len(comments) > 1 else None,
                "requester_updated_at": iso(created),
                "status_updated_at": iso(updated),
                "initially_assigned_at": iso(created + 600) if status != "new" else None,
                "assigned_at": iso(created + 600) if status != "new" else None,
                "solved_at": iso(solved_at) if solved_at else None,
                "latest_comment_added_at": comments[-1]["created_at"],
                "reply_time_in_minutes": minutes(created, first_reply) if first_reply else dict(unknown),
                "first_resolution_time_in_minutes": minutes(created, solved_at) if solved_at else dict(unknown),
                "full_resolution_time_in_minutes": minutes(created, solved_at) if solved_at else dict(unknown),
                "custom_status_updated_at": iso(updated),
            }
        )
        self.tickets[ticket_id] = ticket
        self.comments[ticket_id] = comments
        self.metrics[ticket_id] = metric

    def attachment(self, file_name: str, content_type: str, ctx: dict[str, str]) -> dict[str, Any]:
        att_id = self.next_attachment_id
        self.next_attachment_id += 1
        token = self.plant("attachment_token", _alnum(self.rng, 30))
        name = quote(file_name)
        return {
            "url": f"https://{self.subdomain}.zendesk.com/api/v2/attachments/{att_id}.json",
            "id": att_id,
            "file_name": file_name,
            "content_url": f"https://{self.subdomain}.zendesk.com/attachments/download/{att_id}/{name}?token={token}",
            "mapped_content_url": (
                f"https://support.{self.subdomain}.example.com/attachments/download/{att_id}/{name}?token={token}"
            ),
            "content_type": content_type,
            "size": self.rng.randint(2_000, 4_000_000),
            "width": None,
            "height": None,
            "inline": False,
            "deleted": False,
            "malware_access_override": False,
            "malware_scan_result": "malware_not_found",
            "thumbnails": [],
        }

    def big_log(self, ctx: dict[str, str]) -> str:
        """~2 MB of pasted gitserver log, sprinkled with the customer's repos, hosts and IPs."""
        rng = self.rng
        label, githost = ctx["label"], ctx["githost"]
        repos = [f"github.com/{label}/{name}" for name in REPO_NAMES]
        repos += [f"{githost}/platform/{name}" for name in REPO_NAMES[:3]]
        ips = [self.private_ip() for _ in range(4)]
        for repo in repos:
            self.big_log_values.append(("repository", repo))
        for ip in ips:
            self.big_log_values.append(("ip", ip))
        self.big_log_values.append(("hostname", githost))
        self.big_log_values.append(("org_label", label))
        ts = parse_iso(ctx["ts1"][:19] + "Z") - 86400
        lines = []
        size = 0
        while size < 2_000_000:
            ts += rng.randint(0, 3)
            stamp = _log_ts(ts, rng.randint(0, 999))
            pod = f"gitserver-{rng.randint(0, 2)}"
            repo = rng.choice(repos)
            roll = rng.random()
            if roll < 0.45:
                took = rng.randint(40, 9000)
                message = f"DEBUG git command args=[git fetch --prune origin] repo={repo} duration={took}ms"
            elif roll < 0.8:
                remote, took = f"{rng.choice(ips)}:{rng.randint(30000, 60999)}", rng.randint(1, 400)
                message = f"INFO  request method=POST path=/exec remote={remote} status=200 duration={took}ms"
            elif roll < 0.95:
                message = f'WARN  janitor: cleanup failed repo={repo} err="exit status 128" dir=/data/repos/{repo}/.git'
            else:
                cause = f"fatal: unable to access 'https://{githost}/': Could not resolve host"
                message = f'ERROR clone failed repo={repo} err="{cause}"'
            line = f"{stamp} {pod} gitserver {message}"
            lines.append(line)
            size += len(line) + 1
        return "Full log of the last 24 hours below, sorry for the size.\n\n```\n" + "\n".join(lines) + "\n```"

    def repeat(self, ticket_id: int, end: int) -> dict[str, Any]:
        """Make `ticket_id` appear twice: solved in the middle of the stream, then closed
        at `end` after a follow-up. Returns the stale (solved) snapshot."""
        rng = self.rng
        ticket = self.tickets[ticket_id]
        stale = copy.deepcopy(ticket)
        solved = ticket["generated_timestamp"]
        requester = self.users[ticket["requester_id"]]
        agent = self.users[ticket["assignee_id"]]
        fix_version = next(cf["value"] for cf in ticket["custom_fields"] if cf["id"] == F_VERSION)
        upgraded_to = VERSIONS[min(len(VERSIONS) - 1, VERSIONS.index(fix_version) + 1)]
        follow_up = Template(CLOSED_FOLLOW_UP).substitute(fix_version=upgraded_to)
        when = min(solved + rng.randint(1, 5) * _DAY, end - 7200)
        for author, body in ((requester, follow_up), (agent, CLOSED_FOLLOW_UP_REPLY)):
            comment = _comment_record(self.next_comment_id, author["id"], body, True, when, channel="web")
            self.comments[ticket_id].append(comment)
            self.next_comment_id += 1
            when += 1800
        metric = self.metrics[ticket_id]
        metric.update(
            {
                "reopens": 1,
                "replies": metric["replies"] + 1,
                "solved_at": iso(when),
                "latest_comment_added_at": iso(when - 1800),
                "updated_at": iso(end),
                "status_updated_at": iso(end),
            }
        )
        ticket.update(
            {
                "status": "closed",
                "updated_at": iso(end),
                "generated_timestamp": end,
                "tags": sorted({*ticket["tags"], "follow_up"}),
            }
        )
        return stale
