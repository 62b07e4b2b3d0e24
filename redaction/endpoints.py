"""Public endpoints of well-known services, told apart from the tenants on the same platforms.

`api.github.com`, `oauth2.googleapis.com`, `sts.amazonaws.com`,
`git-codecommit.us-west-1.amazonaws.com`, `core.windows.net` are facts of a
case (what a firewall must let through); `acme.s3.eu-west-1.amazonaws.com`,
`acme.blob.core.windows.net`, `acme.github.io` name a customer. Two sources
decide, neither of them a list of customers:

- the private section of the public-suffix list (tldextract's bundled
  snapshot, never fetched: the same list `network` reads the public suffixes
  from). Platforms register there the suffixes under which their tenants get
  names (`s3.eu-west-1.amazonaws.com`, `blob.core.windows.net`,
  `herokuapp.com`). Such a suffix on its own is the platform's endpoint; a
  name in front of it is a tenant, and only that part is the customer's;
- the settings' service domains: domains whose direct subdomains are the
  operator's own services, never a tenant's (`api.github.com`,
  `login.microsoftonline.com`). On amazonaws.com, a service may also carry a
  region (`<service>.<region>.amazonaws.com`, AWS General Reference, "Service
  endpoints"); a customer's resources there have more labels (a bucket, an
  account id, an instance name in front).
"""

from __future__ import annotations

import re
from functools import lru_cache

import tldextract

# include_psl_private_domains: the platforms' tenant suffixes; never fetched, never cached on disk.
_WITH_PRIVATE = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True, include_psl_private_domains=True
)
_AWS_REGION = re.compile(
    r"^(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso[a-z]?)?-(?:north|south|east|west|central|northeast|northwest"
    r"|southeast|southwest)-\d$"
)
_SERVICE_LABEL = re.compile(r"^[a-z][a-z0-9-]*$")
_AWS_VARIANTS = frozenset({"dualstack", "fips"})


@lru_cache(maxsize=4096)
def tenant_of(host: str) -> str | None:
    """The tenant part of a host on a platform suffix (`acme` of `acme.s3.eu-west-1.amazonaws.com`), else None."""
    parts = _WITH_PRIVATE(host)
    if not parts.is_private or not parts.domain:
        return None
    return f"{parts.subdomain}.{parts.domain}" if parts.subdomain else parts.domain


@lru_cache(maxsize=4096)
def is_platform_suffix(host: str) -> bool:
    """`s3.eu-west-1.amazonaws.com`, `blob.core.windows.net`: a platform's tenant suffix, no tenant in it."""
    parts = _WITH_PRIVATE(host)
    return bool(parts.is_private and not parts.domain and parts.suffix)


def is_service_endpoint(host: str, service_domains: frozenset[str]) -> bool:
    """A public endpoint: a platform suffix itself, or an operator's own service under a service domain."""
    host = host.lower().rstrip(".")
    if is_platform_suffix(host):
        return True
    for domain in service_domains:
        if host == domain:
            return True
        if host.endswith("." + domain):
            labels = host[: -len(domain) - 1].split(".")
            return _own_service(labels, aws=domain.startswith("amazonaws."))
    return False


def _own_service(labels: list[str], aws: bool) -> bool:
    if not all(_SERVICE_LABEL.match(label) for label in labels):
        return False  # an account id or an instance address in front: a customer's resource
    if len(labels) == 1:
        return True
    if not aws or not _AWS_REGION.match(labels[-1]):
        return False
    return len(labels) == 2 or (len(labels) == 3 and labels[1] in _AWS_VARIANTS)
