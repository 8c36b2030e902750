#!/usr/bin/env bash
# Builds kraft-acceptance/test-registry:2.8 (FROM scratch: Debian's
# docker-registry binary and a config listening on :5000), which the
# registry tests start on 127.0.0.1 through testcontainers.
# Usage: test-registry-image.sh CACHE
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=$1
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
if ! dpkg -s docker-registry >/dev/null 2>&1; then
  apt_install docker-registry
  # The package's own service would hold :5000; only the image is wanted.
  disable_packaged_service docker-registry
fi
root="$cache/images/registry/rootfs"
rm -rf "$root" && mkdir -p "$root/etc/docker/registry" "$root/var/lib/registry" "$root/tmp"
chmod 1777 "$root/tmp"
bin=$(command -v docker-registry || echo /usr/bin/docker-registry)
install -D -m 0755 "$bin" "$root/usr/bin/docker-registry"
ldd "$bin" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
  [ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
done
cat > "$root/etc/docker/registry/config.yml" <<'YML'
version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
http:
  addr: 0.0.0.0:5000
YML
tag=kraft-acceptance/test-registry:2.8
hash=$(cd "$root" && { find . -printf '%y %m %p %l\n' | sort; find . -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)
registry_image() {
  printf 'FROM scratch\nCOPY rootfs/ /\nEXPOSE 5000\nENTRYPOINT ["/usr/bin/docker-registry", "serve", "/etc/docker/registry/config.yml"]\nLABEL kraft-acceptance.inputs=%s\n' "$hash" > "$root/../Dockerfile"
  docker_build "$tag" "$root/.."
}
ensure_image "$tag" "$hash" registry_image
