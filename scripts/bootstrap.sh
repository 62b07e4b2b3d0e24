# Sourced by scripts/demo and scripts/test: creates .venv when missing and
# installs the project with its pinned dependencies (the spaCy model included).
# Reinstalls only when pyproject.toml or requirements.lock changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python="${PYTHON:-python3}"

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "ticket-archive needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
    exit 2
fi
if [ ! -x "$venv/bin/python" ]; then
    echo "Creating $venv" >&2
    "$python" -m venv "$venv"
fi
stamp="$venv/.ticket-archive-installed"
want="$(cat "$root/pyproject.toml" "$root/requirements.lock" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing ticket-archive and its pinned dependencies into $venv" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c "$root/requirements.lock" -e "$root[test]"
    echo "$want" > "$stamp"
fi
export PATH="$venv/bin:$PATH"
