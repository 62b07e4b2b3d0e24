"""Pasted material support tickets are made of: logs, stack traces, kubectl output, configs, env dumps.

Each function writes one paste for a ticket's cast and records, through the
draft, every sensitive value and technical fact it plants.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Callable

from tests.evalset.values import (
    Cast,
    Draft,
    alnum,
    aws_keys,
    commit_sha,
    github_token,
    hex_string,
    ipv4_private,
    ipv4_public,
    ipv6,
    jwt,
    license_key,
    password,
    sgp_token,
    slack_token,
    uuid_string,
)



def _ts_iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _art_gitserver_log(d: Draft, c: Cast) -> str:
    pod = d.f("service", d.choice(("gitserver-0", "gitserver-1", "gitserver-2")))
    path = d.f("path", "/var/log/sourcegraph/gitserver.log")
    lines = []
    t = d.at(-90)
    for i in range(d.rng.randint(3, 6)):
        t += timedelta(seconds=d.rng.randint(1, 400), milliseconds=d.rng.randint(0, 999))
        stamp = _ts_iso(t)
        if i == 0:
            d.f("datetime", stamp)
        request = uuid_string(d.rng)
        kind = d.rng.randrange(4)
        if kind == 0:
            err = d.f("error", "context deadline exceeded")
            lines.append(
                f'{stamp} ERROR gitserver.cloneRepo failed to fetch repository {{"repo": "{d.s("host", c.code_host)}/'
                f'{c.repo.split("/", 1)[1]}", "error": "{err}", "requestID": "{request}"}}'
            )
        elif kind == 1:
            ip = d.s("ip", d.choice((ipv4_private(d.rng), ipv6(d.rng))))
            addr = f"[{ip}]" if ":" in ip else ip
            port, seconds = d.rng.randint(30000, 60000), d.rng.randint(31, 240)
            lines.append(
                f'{stamp} WARN gitserver.exec slow git command cmd="git fetch --prune" remote_addr={addr}:{port} '
                f"duration={seconds}.{d.rng.randint(0, 999):03d}s"
            )
        elif kind == 2:
            sha = d.f("commit", commit_sha(d.rng))
            lines.append(f'{stamp} INFO gitserver.resolveRevision resolved {{"revision": "HEAD", "commit": "{sha}", "requestID": "{request}"}}')
        else:
            err = d.f("error", "failed to fetch repository")
            d.s("host", c.code_host)
            lines.append(f"{stamp} ERROR gitserver.syncRepo {err}: exit status 128 (fatal: unable to access '{c.repo}': Could not resolve host)")
    return f"From {path} on {pod}:\n\n```\n" + "\n".join(lines) + "\n```"


def _art_frontend_log(d: Draft, c: Cast) -> str:
    lines = []
    t = d.at(-30)
    user = d.s("email", d.choice([c.requester, *c.ccs, *c.passers]).email)
    for i in range(d.rng.randint(3, 5)):
        t += timedelta(seconds=d.rng.randint(1, 90))
        stamp = t.strftime("%Y-%m-%dT%H:%M:%S+0000")
        if i == 0:
            d.f("datetime", stamp)
        status = d.choice(("502", "504", "500", "429", "200"))
        d.f("http_status", f"status={status}")
        ip = d.s("ip", d.choice((ipv4_public(d.rng), ipv4_private(d.rng), ipv6(d.rng))))
        lines.append(
            f't={stamp} lvl={"warn" if status != "200" else "info"} msg="http: request" method=POST path=/.api/graphql '
            f"status={status} duration={d.rng.randint(1, 30)}.{d.rng.randint(0, 999):03d}s user={user} remote_addr={ip} trace={hex_string(d.rng, 32)}"
        )
    pod = d.f("service", f"sourcegraph-frontend-{hex_string(d.rng, 10)}-{alnum(d.rng, 5, 'bcdfghjklmnpqrstvwxz2456789')}")
    return f"Frontend logs (`{pod}`), trimmed:\n\n```\n" + "\n".join(lines) + "\n```"


def _art_kubectl_pods(d: Draft, c: Cast) -> str:
    wide = d.chance(0.5)
    cmd = "kubectl get pods -n sourcegraph" + (" -o wide" if wide else "")
    d.f("command", cmd)
    rows = [("gitserver-0", "0/1", "CrashLoopBackOff", f"{d.rng.randint(5, 40)} ({d.rng.randint(1, 9)}m ago)", "3d4h")]
    rows.append(("zoekt-webserver-1", "1/1", "Running", "0", "3d4h"))
    rows.append(("zoekt-indexserver-0", "1/1", "Running", "2 (26h ago)", "3d4h"))
    rows.append((f"sourcegraph-frontend-{hex_string(d.rng, 10)}-{alnum(d.rng, 5, 'bcdfghjklmnpqrstvwxz2456789')}", "1/1", "Running", "0", "47h"))
    rows.append(("pgsql-0", "1/1", "Running", "0", "12d"))
    d.f("service", "gitserver-0")
    d.f("service", "zoekt-webserver-1")
    header = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] + (["IP", "NODE"] if wide else [])
    table = [header]
    for row in rows:
        extra = [d.s("ip", ipv4_private(d.rng)), d.s("host", c.node)] if wide else []
        table.append(list(row) + extra)
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    out = "\n".join("   ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in table)
    return f"```\n$ {cmd}\n{out}\n```"


def _art_kubectl_events(d: Draft, c: Cast) -> str:
    cmd = d.f("command", "kubectl describe pod gitserver-0 -n sourcegraph")
    ip = d.s("ip", ipv4_private(d.rng))
    refused = d.f("error", "connect: connection refused")
    oom = d.f("error", "OOMKilled")
    return (
        f"```\n$ {cmd}\n...\n    Last State:     Terminated\n      Reason:       {oom}\n      Exit Code:    137\n"
        f"Events:\n  Type     Reason     Age                  From     Message\n"
        f"  ----     ------     ----                 ----     -------\n"
        f"  Warning  BackOff    2m (x{d.rng.randint(10, 60)} over 97m)   kubelet  Back-off restarting failed container gitserver\n"
        f'  Warning  Unhealthy  5m                   kubelet  Readiness probe failed: Get "http://{ip}:3178/healthz": '
        f"dial tcp {ip}:3178: {refused}\n```"
    )


def _art_go_trace(d: Draft, c: Cast) -> str:
    err = d.f("error", "invalid memory address or nil pointer dereference")
    path = d.f("path", "/go/src/github.com/sourcegraph/sourcegraph/cmd/gitserver/internal/server.go")
    goroutine = d.rng.randint(100, 9000)
    line = d.rng.randint(900, 1900)
    return (
        f"The gitserver container crashed with:\n\n```\npanic: runtime error: {err}\n"
        f"[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x{hex_string(d.rng, 7)}]\n\n"
        f"goroutine {goroutine} [running]:\n"
        f"github.com/sourcegraph/sourcegraph/cmd/gitserver/internal.(*Server).doClone("
        f"0xc000{hex_string(d.rng, 6)}, {{0x{hex_string(d.rng, 7)}, 0xc00{hex_string(d.rng, 7)}}})\n"
        f"\t{path}:{line} +0x8a4\n"
        f"github.com/sourcegraph/sourcegraph/cmd/gitserver/internal.(*Server).cloneRepo.func2()\n"
        f"\t{path}:{line - 115} +0x1f2\n"
        f"created by github.com/sourcegraph/sourcegraph/cmd/gitserver/internal.(*Server).cloneRepo in goroutine {goroutine - 51}\n"
        f"\t{path}:{line - 129} +0x6c5\n```"
    )


def _art_java_trace(d: Draft, c: Cast) -> str:
    t = d.at(-20)
    stamp = d.f("datetime", t.strftime("%Y-%m-%d %H:%M:%S"))
    timeout = d.f("error", "java.net.SocketTimeoutException: Read timed out")
    pkix = d.f("error", "unable to find valid certification path to requested target")
    host = d.s("host", c.code_host)
    return (
        f"Our Bitbucket Server ({host}) logs this every time the Sourcegraph plugin fires:\n\n```\n"
        f"{stamp},{d.rng.randint(100, 999)} ERROR [http-nio-7990-exec-{d.rng.randint(1, 40)}] c.s.b.w.WebhookListener "
        f"Failed to notify Sourcegraph at https://{d.s('host', c.instance)}\n"
        f"{timeout}\n"
        f"\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\n"
        f"\tat java.base/java.net.Socket$SocketInputStream.read(Socket.java:976)\n"
        f"\tat com.sourcegraph.bitbucketserver.webhook.WebhookListener.post(WebhookListener.java:{d.rng.randint(80, 200)})\n"
        f"Caused by: javax.net.ssl.SSLHandshakeException: PKIX path building failed: "
        f"sun.security.provider.certpath.SunCertPathBuilderException: {pkix}\n"
        f"\tat java.base/sun.security.ssl.Alert.createSSLException(Alert.java:131)\n```"
    )


def _art_git_error(d: Draft, c: Cast) -> str:
    err = d.f("error", "SSL certificate problem: self-signed certificate in certificate chain")
    status = d.f("http_status", "HTTP 504")
    url = f"https://{d.s('host', c.code_host)}/{c.repo.split('/', 1)[1]}.git"
    return (
        f"Running the clone by hand from inside the pod:\n\n```\n$ git clone {url}\n"
        f"fatal: unable to access '{url}/': {err}\n"
        f"$ GIT_SSL_NO_VERIFY=1 git clone {url}\n"
        f"error: RPC failed; {status} curl 22 The requested URL returned error: 504\n```"
    )


def _art_env_dump(d: Draft, c: Cast) -> str:
    cmd = d.f("command", "kubectl exec -n sourcegraph deploy/sourcegraph-frontend -- env")
    pw = d.s("password", password(d.rng))
    env = {
        "PGHOST": d.s("host", c.db_host),
        "PGPORT": "5432",
        "PGUSER": "sg",
        "PGDATABASE": "sg",
        "PGPASSWORD": pw,
        "PGSSLMODE": "require",
        "SRC_GIT_SERVERS": "gitserver-0.gitserver:3178 gitserver-1.gitserver:3178",
        "SRC_LOG_LEVEL": "dbug",
        "DEPLOY_TYPE": "helm",
    }
    if d.chance(0.5):
        key_id, secret = aws_keys(d.rng)
        env["AWS_ACCESS_KEY_ID"] = d.s("access_token", key_id)
        env["AWS_SECRET_ACCESS_KEY"] = d.s("access_token", secret)
        env["PRECISE_CODE_INTEL_UPLOAD_BACKEND"] = "S3"
        env["PRECISE_CODE_INTEL_UPLOAD_BUCKET"] = d.s("org_tag", c.org.flat) + "-lsif-uploads"
    if d.chance(0.5):
        env["GITHUB_TOKEN"] = d.s("access_token", github_token(d.rng))
    if d.chance(0.4):
        env["SRC_ACCESS_TOKEN"] = d.s("access_token", hex_string(d.rng, 40))
    if d.chance(0.4):
        env["REDIS_PASSWORD"] = d.s("password", password(d.rng))
    env["HOSTNAME"] = f"sourcegraph-frontend-{hex_string(d.rng, 10)}-{alnum(d.rng, 5, 'bcdfghjklmnpqrstvwxz2456789')}"
    body = "\n".join(f"{k}={v}" for k, v in sorted(env.items()))
    return f"Environment of the frontend pod:\n\n```\n$ {cmd} | sort\n{body}\n```"


def _art_site_config(d: Draft, c: Cast) -> str:
    d.f("config_key", "externalURL")
    d.f("config_key", "search.largeFiles")
    d.f("config_key", "gitMaxConcurrentClones")
    config: dict = {
        "externalURL": f"https://{d.s('host', c.instance)}",
        "licenseKey": d.s("license_key", license_key(d.rng)),
        "search.largeFiles": ["**/*.lock", "vendor/**"],
        "gitMaxConcurrentClones": d.rng.choice((4, 8, 16)),
    }
    if d.chance(0.6):
        d.f("config_key", "auth.providers")
        config["auth.providers"] = [
            {
                "type": "saml",
                "configID": d.s("org_tag", c.org.kebab) + "-okta",
                "identityProviderMetadataURL": f"https://{d.s('host', c.org.internal + '.okta.com')}/app/exk{alnum(d.rng, 16)}/sso/saml/metadata",
            }
        ]
    if d.chance(0.6):
        config["email.smtp"] = {
            "host": d.s("host", f"smtp.{c.org.domain}"),
            "port": 587,
            "username": d.s("email", f"sourcegraph-noreply@{c.org.domain}"),
            "password": d.s("password", password(d.rng)),
            "authentication": "PLAIN",
        }
    if d.chance(0.5):
        secret = alnum(d.rng, 24)
        upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        webhook = f"https://hooks.slack.com/services/T{alnum(d.rng, 8, upper)}/B{alnum(d.rng, 10, upper)}/"
        config["observability.alerts"] = [
            {
                "level": "critical",
                "notifier": {
                    "type": "slack",
                    "url": webhook + d.s("access_token", secret),
                },
            }
        ]
    return "Our site config (Site admin > Configuration):\n\n```json\n" + json.dumps(config, indent=2) + "\n```"


def _art_code_host_config(d: Draft, c: Cast) -> str:
    token = d.s("access_token", d.choice((github_token(d.rng), hex_string(d.rng, 40))))
    config = {
        "url": f"https://{d.s('host', c.code_host)}",
        "token": token,
        "orgs": [d.s("org_tag", c.org.kebab)],
        "repositoryQuery": ["affiliated"],
        "rateLimit": {"enabled": True, "requestsPerHour": 5000},
    }
    key = d.f("config_key", "repoListUpdateInterval")
    return (
        "Code host connection (GitHub Enterprise):\n\n```json\n" + json.dumps(config, indent=2) + "\n```\n\n"
        f"We also lowered `{key}` to 5 in the site config, no change."
    )


def _art_helm_values(d: Draft, c: Cast) -> str:
    pw = d.s("password", password(d.rng, url_safe=True))
    db = d.s("host", c.db_host)
    version = d.f("version", c.version)
    url = f"postgres://sg:{pw}@{db}:5432/sourcegraph?sslmode=require"
    lines = [
        "sourcegraph:",
        "  image:",
        f"    defaultTag: {version}",
        "frontend:",
        "  env:",
        "    PGDATASOURCE:",
        f'      value: "{url}"',
        "gitserver:",
        "  replicaCount: 2",
        "  storageSize: 500Gi",
        "pgsql:",
        "  enabled: false",
    ]
    if d.chance(0.5):
        lines += ["codeIntelDB:", "  auth:", "    user: sg", f"    password: {d.s('password', password(d.rng))}"]
    if d.chance(0.4):
        lines += ["ingress:", "  host: " + d.s("host", c.instance), "  tlsSecret: " + d.s("org_tag", c.org.kebab) + "-tls"]
    cmd = d.f("command", f"helm upgrade --install -f override.yaml --version {c.version} sourcegraph sourcegraph/sourcegraph")
    return "Here is our override.yaml:\n\n```yaml\n" + "\n".join(lines) + f"\n```\n\nDeployed with `{cmd}`."


def _art_curl(d: Draft, c: Cast) -> str:
    token = d.s("access_token", sgp_token(d.rng))
    status = d.f("http_status", "HTTP/2 401")
    header = d.choice((f"Authorization: token {token}", f"Authorization: token-sudo user=\"admin\",token=\"{token}\""))
    return (
        f"```\n$ curl -sS -i -H '{header}' https://{d.s('host', c.instance)}/.api/graphql -d '{{\"query\":\"{{ site {{ productVersion }} }}\"}}'\n"
        f"{status}\ncontent-type: application/json\n\n{{\"error\":\"invalid access token\"}}\n```"
    )


def _art_jwt(d: Draft, c: Cast) -> str:
    token = d.s("access_token", jwt(d.rng, f"https://{c.instance}", d.when))
    status = d.f("http_status", "403 Forbidden")
    return (
        f"From the HAR file, the failing request is:\n\n```\nGET /.api/src-cli/version HTTP/1.1\nHost: {d.s('host', c.instance)}\n"
        f"Authorization: Bearer {token}\n\nHTTP/1.1 {status}\n```"
    )


def _art_slack(d: Draft, c: Cast) -> str:
    token = d.s("access_token", slack_token(d.rng))
    return (
        "Alerts stopped reaching Slack after the upgrade. The bot config on our side is:\n\n```yaml\n"
        f"slack:\n  channel: \"#{d.s('org_tag', c.org.kebab)}-sourcegraph-alerts\"\n  botToken: {token}\n```"
    )


def _art_psql(d: Draft, c: Cast) -> str:
    pw = d.s("password", password(d.rng, url_safe=True))
    host = d.s("host", c.db_host)
    err = d.f("error", "pq: password authentication failed for user")
    record = json.dumps({"SeverityText": "FATAL", "Body": f'{err} "sg"'})
    # The URL form, or libpq's keyword form with a bare `password=`.
    dsn = d.choice((f"postgres://sg:{pw}@{host}:5432/sg", f"'host={host} port=5432 user=sg password={pw} dbname=sg'"))
    return (
        "The migrator can't reach the database:\n\n```\n"
        f"$ psql {dsn} -c 'select 1'\n"
        f"psql: error: connection to server at \"{host}\" ({d.s('ip', ipv4_private(d.rng))}), port 5432 failed\n"
        f"{record}\n```"
    )


def _art_license_paste(d: Draft, c: Cast) -> str:
    key = d.s("license_key", license_key(d.rng))
    err = d.f("error", "license key is invalid")
    return f"Sales sent us this new key but the admin page says \"{err}\":\n\n{key}\n"


def _art_disk(d: Draft, c: Cast) -> str:
    cmd = d.f("command", "kubectl exec -n sourcegraph gitserver-0 -- df -h /data/repos")
    path = d.f("path", "/data/repos")
    err = d.f("error", "no space left on device")
    stamp = d.f("datetime", _ts_iso(d.at(-45)))
    return (
        f"```\n$ {cmd}\nFilesystem      Size  Used Avail Use% Mounted on\n/dev/nvme1n1    500G  497G  3.0G 100% {path}\n```\n\n"
        f"and the first error was at {stamp}: `write {path}/.tmp/objects/pack: {err}`"
    )


def _art_versions(d: Draft, c: Cast) -> str:
    kubectl = d.f("version", d.choice(("v1.27.3", "v1.28.9", "v1.29.4")))
    git = d.f("version", d.choice(("2.39.2", "2.43.0", "2.45.1")))
    short = commit_sha(d.rng)[:7]
    d.f("commit", short)
    cmd = d.f("command", "kubectl version --output=yaml")
    d.s("host", c.code_host)
    return (
        f"Versions, in case it matters:\n\n```\n$ {cmd} | grep gitVersion\n  gitVersion: {kubectl}\n"
        f"$ kubectl exec -n sourcegraph gitserver-0 -- git version\ngit version {git}\n"
        f"$ git -C /data/repos/{c.repo}/.git log --oneline -1\n{short} Merge branch 'release-{c.version}'\n```"
    )


DIAGNOSTICS: tuple[Callable[[Draft, Cast], str], ...] = (
    _art_gitserver_log, _art_frontend_log, _art_kubectl_pods, _art_kubectl_events, _art_go_trace, _art_java_trace,
    _art_git_error, _art_disk, _art_versions,
)
CONFIGS: tuple[Callable[[Draft, Cast], str], ...] = (
    _art_env_dump, _art_site_config, _art_code_host_config, _art_helm_values, _art_curl, _art_jwt, _art_slack,
    _art_psql, _art_license_paste,
)
