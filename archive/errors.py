"""Errors of the archive stage.

    ArchiveError                   the archive cannot be read or written (exit 5)
     ├── GitError                  a git command failed; carries the command and its stderr's last line
     │    └── PushRejected         the remote refused the push; the local commit is kept
     ├── RenderError               a redacted ticket cannot be rendered
     └── ArchiveLocked             another run holds the archive's lock (exit 7)
"""


class ArchiveError(Exception):
    """Root of the archive's errors."""


class GitError(ArchiveError):
    pass


class PushRejected(GitError):
    pass


class RenderError(ArchiveError):
    pass


class ArchiveLocked(ArchiveError):
    pass
