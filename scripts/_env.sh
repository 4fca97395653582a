# Shared by scripts/run and scripts/test: a virtualenv in .venv with the project's dependencies.
# Reinstalls only when pyproject.toml changed since the last install.

ensure_venv() {
  local extras="$1"   # "" or "dev"
  local py="${PYTHON:-python3.11}"
  command -v "$py" >/dev/null 2>&1 || py=python3
  if [ ! -x .venv/bin/python ]; then
    echo "==> Creating virtualenv .venv"
    "$py" -m venv .venv
  fi
  local stamp=".venv/.installed-${extras:-base}"
  local want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "==> Installing dependencies${extras:+ ($extras)}"
    .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
    if [ -n "$extras" ]; then
      .venv/bin/python -m pip install --quiet -e ".[$extras]"
    else
      .venv/bin/python -m pip install --quiet -e .
    fi
    echo "$want" > "$stamp"
  fi
}

# Install Debian packages that are missing (we are root on our machines; sudo elsewhere).
ensure_debian_packages() {
  local missing=()
  for spec in "$@"; do
    local cmd="${spec%%:*}" pkg="${spec##*:}"
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> Installing from Debian's packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

free_port() {
  .venv/bin/python - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}
