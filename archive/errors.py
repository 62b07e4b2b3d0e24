"""Errors of the archive stage.

    ArchiveError                   the archive cannot be read or written (exit 5)
     ├── GitError                  a git command failed; carries the command and its stderr's last line
     │    ├── PushRejected         the remote refused the push; the local commit is kept
     │    └── GitTooOld            `forget --purge-history` needs a newer git (exit 9)
     ├── RenderError               a redacted ticket cannot be rendered
     ├── LeakSuspected             the rendered file still looks like it holds customer data; withheld
     ├── CaseNotFound              `similar` was asked about a ticket the archive does not hold (exit 2)
     └── ArchiveLocked             another run holds the archive's lock (exit 7)
"""


class ArchiveError(Exception):
    """Root of the archive's errors."""


class GitError(ArchiveError):
    pass


class PushRejected(GitError):
    pass


class GitTooOld(GitError):
    pass


class RenderError(ArchiveError):
    pass


class LeakSuspected(ArchiveError):
    """The last check before writing found something that looks like a leak.

    `suspects` are masked; the message names only file, line and kind."""

    def __init__(self, message: str, suspects: tuple[object, ...] = ()) -> None:
        super().__init__(message)
        self.suspects = suspects


class CaseNotFound(ArchiveError):
    pass


class ArchiveLocked(ArchiveError):
    pass
