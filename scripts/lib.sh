# Shared by the set-up scripts: messages and idempotent Debian installs.
say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi; }

# apt_install PKG...: installs what is missing; refreshes the package lists
# once if the first attempt fails (a fresh machine may have stale ones).
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null; } \
    || die "apt-get install ${missing[*]} failed"
}

# disable_packaged_service NAME: stops and disables the service a package's
# install just started (only its binaries are wanted, in an image).
disable_packaged_service() {
  say "stopping and disabling the packaged $1 service this install started"
  if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
    systemctl disable --now "$1" >/dev/null 2>&1 || true
  else
    service "$1" stop >/dev/null 2>&1 || true
    update-rc.d "$1" disable >/dev/null 2>&1 || true
  fi
}
