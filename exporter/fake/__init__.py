"""The fake Zendesk: a generated account served over loopback, for `demo` and the tests.

    generator.py  build_dataset: the account, from the data files in data/ (catalog.py reads them)
    dataset.py    Dataset: its records, streams, ground truth and mutations
    api.py        the Zendesk endpoints over a Dataset
    server.py     FakeZendesk: the HTTP server, fault injection and the rate limiter
    oauth.py      FakeOAuth: the token endpoint, expiring tokens, retired API tokens, roles
"""

from exporter.fake.dataset import Audit, Dataset
from exporter.fake.generator import build_dataset
from exporter.fake.oauth import FakeOAuth
from exporter.fake.pagination import decode_cursor, encode_cursor
from exporter.fake.records import ARCHIVED_STATUSES, STATUS_ORDER, iso, parse_iso
from exporter.fake.server import FakeZendesk, RequestRecord

__all__ = [
    "ARCHIVED_STATUSES",
    "STATUS_ORDER",
    "Audit",
    "Dataset",
    "FakeOAuth",
    "FakeZendesk",
    "RequestRecord",
    "build_dataset",
    "decode_cursor",
    "encode_cursor",
    "iso",
    "parse_iso",
]
