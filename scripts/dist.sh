#!/usr/bin/env bash
# Static release binaries, one per architecture, for any Linux host:
#   target/dist/kraft-acceptance-VERSION-TARGET (+ .sha256)
# for x86_64-unknown-linux-musl and aarch64-unknown-linux-musl, librdkafka,
# zlib and musl linked in; `kraft-acceptance --version` names version,
# commit and target.
#
# Everything comes from Debian, PyPI and crates.io: the Rust standard library
# for the musl targets is not in those (rustup's server has it), so it is
# built from Debian's own Rust source (rustc-web 1.85 with rust-web-src,
# cargo -Zbuild-std). The crate's dependencies are pinned for 1.85 in
# scripts/dist/Cargo.lock (scripts/dist.sh --update-lock remakes it from
# Cargo.lock); scripts/dist/rustc-wrapper.sh opens the two language features
# cucumber needs from 1.87/1.88. x86_64 links with Debian's musl-gcc; arm64
# with Zig (PyPI's ziglang), which carries musl for every architecture.
#
# It builds HEAD (`git archive`), so the commit it names is the one built.
# Usage: scripts/dist.sh [TARGET...] | --update-lock
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
say() { printf 'dist: %s\n' "$*"; }

root=$PWD
cache=${KRAFT_ACCEPTANCE_DIST_CACHE:-${KRAFT_ACCEPTANCE_CACHE:-/var/cache/kraft-acceptance}/dist}
as_root mkdir -p "$cache"
apt_install rustc-web cargo-web rust-web-src musl-tools libunwind-14-dev python3-venv
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
cargo=/usr/bin/cargo

if [ "${1:-}" = --update-lock ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  git archive HEAD | tar -x -C "$tmp"
  # The packages whose newest versions need a Rust newer than 1.85 in a way
  # the wrapper cannot open (new library functions): the newest each that 1.85 takes.
  pkgs=$(grep -A1 -E '^name = "(icu_[a-z_]+|idna_adapter|textwrap|uuid|serde_with|serde_with_macros|time|time-macros|time-core)"$' "$tmp/Cargo.lock" \
    | sed -n 's/^name = "\(.*\)"$/-p \1/p' | sort -u | tr '\n' ' ')
  # shellcheck disable=SC2086
  (cd "$tmp" && CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback $cargo update $pkgs)
  cp "$tmp/Cargo.lock" scripts/dist/Cargo.lock
  say "scripts/dist/Cargo.lock remade from Cargo.lock"
  exit 0
fi

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(x86_64-unknown-linux-musl aarch64-unknown-linux-musl)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
commit=$(git rev-parse --short=12 HEAD)
stage=$cache/src
rm -rf "$stage"; mkdir -p "$stage"
git archive HEAD | tar -x -C "$stage"
cp scripts/dist/Cargo.lock "$stage/Cargo.lock"
mkdir -p "$cache/shim"; musl-gcc -O2 -c scripts/dist/fortify-shim.c -o "$cache/shim/fortify.o"

# Zig from PyPI, in a venv of the cache, for the arm64 link and C build.
zig_cc() {  # TARGET [cc|c++]
  local venv=$cache/zig-venv
  if [ ! -x "$venv/bin/python-zig" ]; then
    python3 -m venv "$venv" >/dev/null
    "$venv/bin/pip" install -q 'ziglang==0.14.1' >/dev/null || die "pip install ziglang failed"
    printf '#!/bin/sh\nexec "%s" -m ziglang "$@"\n' "$venv/bin/python" > "$venv/bin/python-zig"
    chmod +x "$venv/bin/python-zig"
  fi
  # Zig's cc, as a compiler and linker for TARGET; rustc's --target flag and
  # the self-contained objects it does not need are dropped.
  local mode=${2:-cc} wrap=$cache/zig-${2:-cc}-$1
  cat > "$wrap" <<EOF
#!/bin/sh
args=""
for a in "\$@"; do
  case "\$a" in --target=*|-lgcc_s|*crt1.o|*crti.o|*crtn.o|*crtbegin*.o|*crtend*.o) ;; *) args="\$args '\$(printf %s "\$a" | sed "s/'/'\\\\\\\\''/g")'" ;; esac
done
eval exec "$venv/bin/python-zig" $mode -target $1 \$args
EOF
  chmod +x "$wrap"
  printf '%s' "$wrap"
}

build() {
  local t=$1 flags="-C link-self-contained=no -C target-feature=+crt-static -C relocation-model=static"
  local env_t=${t//-/_}
  case "$t" in
    x86_64-unknown-linux-musl)
      # CC and AR too: librdkafka's own configure reads those, not CC_<target>.
      export CC_x86_64_unknown_linux_musl=musl-gcc CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=musl-gcc CC=musl-gcc AR=ar
      flags="$flags -L /usr/lib/llvm-14/lib -C link-arg=$cache/shim/fortify.o" ;;
    aarch64-unknown-linux-musl)
      local cc cxx; cc=$(zig_cc aarch64-linux-musl) cxx=$(zig_cc aarch64-linux-musl c++)
      printf '#!/bin/sh\nexec "%s" ar "$@"\n' "$cache/zig-venv/bin/python-zig" > "$cache/zig-ar"; chmod +x "$cache/zig-ar"
      export CC_aarch64_unknown_linux_musl=$cc AR_aarch64_unknown_linux_musl=$cache/zig-ar \
        CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=$cc CC=$cc CXX=$cxx AR=$cache/zig-ar \
        LDFLAGS=-Wl,--undefined-version  # lld, unlike GNU ld, refuses librdkafka's version script otherwise
      flags="$flags -C link-arg=-lunwind" ;;
    *) die "unknown target $t (x86_64-unknown-linux-musl, aarch64-unknown-linux-musl)" ;;
  esac
  # Build scripts and proc macros are built for this host, with its own cc.
  export HOST_CC=cc CC_x86_64_unknown_linux_gnu=cc
  say "building $t (cache $cache/target)"
  local t0; t0=$(date +%s)
  RUSTFLAGS="$flags" RUSTC_WRAPPER="$root/scripts/dist/rustc-wrapper.sh" CARGO_TARGET_DIR="$cache/target" KRAFT_ACCEPTANCE_COMMIT="$commit" \
    $cargo build --quiet --locked --release --ignore-rust-version -Zbuild-std=std,panic_abort \
      --manifest-path "$stage/Cargo.toml" --target "$t" --bin kraft-acceptance \
    || die "build for $t failed"
  local secs=$(( $(date +%s) - t0 ))
  local out=target/dist/kraft-acceptance-$version-$t
  mkdir -p target/dist
  cp "$cache/target/$t/release/kraft-acceptance" "$out"
  (cd target/dist && sha256sum "$(basename "$out")" > "$(basename "$out").sha256")
  local size; size=$(stat -c %s "$out")
  say "$out: $(awk -v s="$size" 'BEGIN{printf "%.1f MiB", s/1048576}') ($size bytes), built in ${secs} s, sha256 $(cut -d' ' -f1 "$out.sha256")"
  unset "CC_$env_t" CC CXX AR LDFLAGS
}

for t in "${targets[@]}"; do build "$t"; done
