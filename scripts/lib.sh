# shellcheck shell=bash
# Shared by the set-up scripts: messages, idempotent Debian installs, and
# images built only when their inputs changed.
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

# Images built here carry the hash of their inputs as the label
# kraft-acceptance.inputs (each Dockerfile sets it); a build runs only when
# the hash differs.
# image_current TAG HASH: the image exists and was built from these inputs.
image_current() {
  [ "$(docker image inspect -f '{{index .Config.Labels "kraft-acceptance.inputs"}}' "$1" 2>/dev/null)" = "$2" ]
}
# ensure_image TAG HASH BUILD: runs BUILD only when the inputs changed.
ensure_image() {
  if image_current "$1" "$2"; then say "image $1 up to date ($2)"; else "${@:3}"; fi
}
docker_build() { # TAG DIR; the image the tag named before goes when nothing else names it
  local before
  before=$(docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true)
  say "building image $1"
  docker build -q -t "$1" "$2" >"$2/build.log" 2>&1 || { cat "$2/build.log" >&2; die "docker build $1 failed"; }
  if [ -n "$before" ] && [ "$before" != "$(docker image inspect -f '{{.Id}}' "$1")" ] \
     && [ "$(docker image inspect -f '{{len .RepoTags}}' "$before" 2>/dev/null)" = 0 ]; then
    docker rmi "$before" >/dev/null 2>&1 || say "the replaced image $before is still in use; kept"
  fi
}
