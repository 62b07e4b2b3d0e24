"""Small fakes of our own interfaces, shared by the tests."""

from __future__ import annotations


class FakeTime:
    """A clock that only moves when the client sleeps, so waits are exact."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


def oauth_env(fake, **extra: str) -> dict[str, str]:
    """The environment that points a run at a fake Zendesk made with a `FakeOAuth` client."""
    assert fake.oauth is not None, "make the fake with oauth=FakeOAuth(...)"
    return {**fake.env(), **extra}
