#!/usr/bin/env bash
# The nightly export, for cron or a systemd timer.
#
#   TICKET_ARCHIVE_DIR=/srv/ticket-archive scripts/nightly.sh
#
# Reads Zendesk settings from the environment, or from $TICKET_ARCHIVE_ENV
# (default /etc/ticket-archive.env) when that file exists. Logs JSON lines to
# stderr. Exit codes are ticket-archive's own (see README), except that a run
# finding the archive locked by a still-running export exits 0: overlapping
# nightly runs are expected after a long backfill, not an alarm.
set -uo pipefail

env_file="${TICKET_ARCHIVE_ENV:-/etc/ticket-archive.env}"
if [ -r "$env_file" ]; then
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
fi
: "${TICKET_ARCHIVE_DIR:?set TICKET_ARCHIVE_DIR to the archive directory}"

here="$(cd "$(dirname "$0")" && pwd)"
cli="${TICKET_ARCHIVE_BIN:-$here/../.venv/bin/ticket-archive}"
[ -x "$cli" ] || cli="$(command -v ticket-archive)" || { echo "ticket-archive is not installed; run scripts/test or pip install the project" >&2; exit 2; }

push=(--push)
if [ -z "$(git -C "$TICKET_ARCHIVE_DIR" remote 2>/dev/null)" ]; then
    push=()
fi

"$cli" export --archive "$TICKET_ARCHIVE_DIR" "${push[@]}" --log-format json
code=$?
if [ "$code" -eq 7 ]; then
    echo '{"level": "info", "message": "previous export still running; skipped"}' >&2
    exit 0
fi
exit "$code"
