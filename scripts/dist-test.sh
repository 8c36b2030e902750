#!/usr/bin/env bash
# Builds the static binaries (scripts/dist.sh) and proves them portable:
#  - each is "not a dynamic executable";
#  - each runs --version and --help in an image FROM scratch that holds only
#    it (arm64 through Debian's qemu-user-static, the emulator the only other
#    file in its image);
#  - the x86_64 one runs the @static suite on the reference in an image with
#    no libc at all: FROM scratch with the static docker CLI and compose
#    plugin beside it (the validators scenario, which runs the target's own
#    Python tools, is left out: that image has no Python);
#  - suite wall time, glibc build vs musl build, on the same stack.
# Usage: scripts/dist-test.sh [RUNS]   (wall-time runs each, default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
say() { printf 'dist-test: %s\n' "$*"; }
fail() { printf 'dist-test: FAILED: %s\n' "$*" >&2; exit 1; }
runs=${1:-3}

apt_install qemu-user-static file
scripts/dist.sh
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
commit=$(git rev-parse --short=12 HEAD)
ctx=$(mktemp -d)
tag=kraftacc-dist-test-$$
cleanup() { docker rmi -f "$tag" >/dev/null 2>&1 || true; rm -rf "$ctx"; }
trap cleanup EXIT

for t in x86_64-unknown-linux-musl aarch64-unknown-linux-musl; do
  bin=target/dist/kraft-acceptance-$version-$t
  (cd target/dist && sha256sum -c --quiet "$(basename "$bin").sha256") || fail "$bin: checksum"
  l=$(ldd "$bin" 2>&1 || true)
  case "$l" in *"not a dynamic executable"*) ;; *) fail "$bin is dynamically linked: $l" ;; esac
  rm -rf "${ctx:?}"/*
  cp "$bin" "$ctx/kraft-acceptance"
  case "$t" in
    x86_64-*) printf 'FROM scratch\nCOPY kraft-acceptance /kraft-acceptance\nENTRYPOINT ["/kraft-acceptance"]\n' > "$ctx/Dockerfile" ;;
    aarch64-*)
      cp /usr/bin/qemu-aarch64-static "$ctx/qemu-aarch64-static"
      printf 'FROM scratch\nCOPY qemu-aarch64-static /qemu-aarch64-static\nCOPY kraft-acceptance /kraft-acceptance\nENTRYPOINT ["/qemu-aarch64-static", "/kraft-acceptance"]\n' > "$ctx/Dockerfile" ;;
  esac
  docker build -q -t "$tag" "$ctx" >/dev/null 2>&1 || fail "docker build of the FROM scratch image for $t"
  v=$(docker run --rm --network none "$tag" --version) || fail "$t --version in a FROM scratch image"
  [ "$v" = "kraft-acceptance $version (commit $commit, $t)" ] || fail "$t --version said: $v"
  h=$(docker run --rm --network none "$tag" verify --help) || fail "$t verify --help in a FROM scratch image"
  case "$h" in *--project-dir*) ;; *) fail "$t verify --help says nothing of --project-dir: $h" ;; esac
  say "$t: $(stat -c %s "$bin") bytes, static; FROM scratch: $v"
  docker rmi -f "$tag" >/dev/null
done

# The @static suite from an image with no libc: the binary, the docker CLI
# and its compose plugin (static Go binaries), the reference target.
bin=target/dist/kraft-acceptance-$version-x86_64-unknown-linux-musl
rm -rf "${ctx:?}"/*
mkdir -p "$ctx/root" "$ctx/tmp"
cp "$bin" "$ctx/kraft-acceptance"
cp "$(command -v docker)" "$ctx/docker"
compose=$(docker info --format '{{range .ClientInfo.Plugins}}{{if eq .Name "compose"}}{{.Path}}{{end}}{{end}}')
cp "$compose" "$ctx/docker-compose"
git archive HEAD fixtures/reference | tar -x -C "$ctx"
for b in docker docker-compose; do
  file -L "$ctx/$b" | grep -q "statically linked" || fail "$b is not static here; the libc-less image needs it static"
done
cat > "$ctx/Dockerfile" <<'EOF'
FROM scratch
COPY kraft-acceptance /usr/local/bin/kraft-acceptance
COPY docker /usr/local/bin/docker
COPY docker-compose /usr/local/lib/docker/cli-plugins/docker-compose
COPY root /root
COPY tmp /tmp
COPY fixtures/reference /target
ENV PATH=/usr/local/bin HOME=/root TMPDIR=/tmp
ENTRYPOINT ["/usr/local/bin/kraft-acceptance"]
EOF
docker build -q -t "$tag" "$ctx" >/dev/null 2>&1 || fail "docker build of the libc-less image"
out=$(docker run --rm --network none "$tag" verify --project-dir /target --tags "@static and not @validators" 2>&1) \
  || { printf '%s\n' "$out" | tail -20; fail "the @static suite in the libc-less image"; }
say "@static suite in a FROM scratch image (no libc): $(printf '%s\n' "$out" | grep -E '^kraft-acceptance: [0-9]+ passed' | tail -1)"

# The suite's own wall time, glibc vs musl, on the reference stack.
say "building the glibc release binary (cargo shows its progress)"
cargo build --release --locked
wall() { "$1" verify --project-dir fixtures/reference --images standin 2>&1 | sed -n 's/^measured: suite wall time \([0-9.]*\) s$/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
g=() m=()
for _ in $(seq 1 "$runs"); do g+=("$(wall target/release/kraft-acceptance)"); m+=("$(wall "$bin")"); done
say "suite wall time (median of $runs): glibc $(printf '%s\n' "${g[@]}" | median) s, musl $(printf '%s\n' "${m[@]}" | median) s (runs: glibc ${g[*]}; musl ${m[*]})"
