#!/usr/bin/env bash
# Builds the stand-in images (FROM scratch, no registry) for
# fixtures/standin/docker-compose.standin.yml. Usage: standin-images.sh CACHE TANSU_VERSION
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=$1 tansu_version=$2
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

for p in redis-server busybox-static; do
  dpkg -s "$p" >/dev/null 2>&1 && continue
  say "$p is for its binaries, copied into a stand-in image"
  apt_install "$p"
  if [ "$p" = redis-server ]; then
    # The package's own service would hold 127.0.0.1:6379, which the stack publishes.
    disable_packaged_service redis-server
  fi
done

# tansu: the slow part (~20 min cold on 2 cores), cached by version + features.
tansu_dir="$cache/tansu-$tansu_version-dynostore"
tansu="$tansu_dir/bin/tansu"
if [ ! -x "$tansu" ]; then
  say "building tansu $tansu_version (cold: ~20 min; cached in $tansu_dir)"
  mkdir -p "$cache"
  rm -rf "$tansu_dir.tmp"
  cargo install tansu --version "$tansu_version" --locked --features dynostore \
    --root "$tansu_dir.tmp" --quiet || die "cargo install tansu $tansu_version failed"
  rm -rf "$tansu_dir" && mv "$tansu_dir.tmp" "$tansu_dir"
fi
say "tansu: $tansu"

# copy_with_libs ROOT BIN...: each binary at its path plus what ldd lists.
copy_with_libs() {
  local root=$1; shift
  for bin in "$@"; do
    install -D -m 0755 "$bin" "$root/usr/bin/$(basename "$bin")"
    ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
      # The ELF interpreter must be executable, so libraries keep 0755.
      [ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
    done
  done
}

# build_image TAG INPUTS... : rebuilds only when the hash of its inputs changed.
build_image() {
  local tag=$1 root=$2 hash
  # Contents, modes and symlinks: a mode change alone must rebuild.
  hash=$(cd "$root" && { find . -printf '%y %m %p %l\n' | sort; find . -type f -print0 | sort -z | xargs -0 sha256sum; } \
    | sha256sum | cut -c1-16)
  if [ "$(docker image inspect -f '{{index .Config.Labels "kraft-acceptance.inputs"}}' "$tag" 2>/dev/null)" = "$hash" ]; then
    say "image $tag up to date ($hash)"
    return
  fi
  say "building image $tag ($hash)"
  printf 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/bin:/bin\nLABEL kraft-acceptance.inputs=%s kraft-acceptance.standin=true\n' "$hash" > "$root/../Dockerfile"
  docker build -q -t "$tag" "$root/.." >"$root/../build.log" 2>&1 || { cat "$root/../build.log" >&2; die "docker build $tag failed"; }
}

base_rootfs() { # ROOT: busybox as /bin/sh and its applets, /tmp
  local root=$1
  rm -rf "$root" && mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp /bin/busybox "$root/bin/busybox"
  for a in sh ash cat echo grep head sed tr sleep kill nc ls env id printf test '[' mkdir rm cut sort; do
    ln -sf busybox "$root/bin/$a"
  done
  chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
}

work="$cache/images"
k="$work/kafka/rootfs"
base_rootfs "$k"
copy_with_libs "$k" "$tansu"
install -D -m 0755 "$here/fixtures/standin/kafka/kafka-entrypoint.sh" "$k/standin/kafka-entrypoint.sh"
install -D -m 0755 "$here/fixtures/standin/kafka/kafka-broker-api-versions.sh" "$k/opt/kafka/bin/kafka-broker-api-versions.sh"
install -D -m 0755 "$here/fixtures/standin/kafka/kafka-topics.sh" "$k/opt/kafka/bin/kafka-topics.sh"
build_image "kraft-acceptance/standin-kafka:tansu-$tansu_version" "$k"

r="$work/redis/rootfs"
base_rootfs "$r"
copy_with_libs "$r" "$(command -v redis-server)" "$(command -v redis-cli)"
install -D -m 0755 "$here/fixtures/standin/redis/redis-entrypoint.sh" "$r/standin/redis-entrypoint.sh"
mkdir -p "$r/data"
build_image "kraft-acceptance/standin-redis:debian-7.0" "$r"
