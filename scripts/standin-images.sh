#!/usr/bin/env bash
# Builds the images a run uses where the target's own cannot be pulled (no
# registry), for fixtures/standin/docker-compose.standin.yml:
#
#   kraft-acceptance/standin-kafka:3.8.0   Apache Kafka 3.8.0 from the release's
#       own jars (Maven Central, fixtures/standin/kafka/pom.xml), on a Java 17
#       runtime made by jlink from this machine's JDK; the apache/kafka image's
#       paths, user (uid 1000), volumes and entrypoint contract, with scripts of
#       this project (fixtures/standin/kafka/{bin,docker,config}).
#   kraft-acceptance/standin-redis:debian-7.0   Debian's redis-server.
#
# Each image is rebuilt only when the hash of its inputs changes; the jars are
# cached outside the repo, keyed by the POM's hash. Usage: standin-images.sh CACHE
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=$1
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

kafka_tag=kraft-acceptance/standin-kafka:3.8.0
redis_tag=kraft-acceptance/standin-redis:debian-7.0
src="$here/fixtures/standin"

for p in redis-server busybox-static; do
  dpkg -s "$p" >/dev/null 2>&1 && continue
  say "$p is for its binaries, copied into a stand-in image"
  apt_install "$p"
  if [ "$p" = redis-server ]; then
    # The package's own service would hold 127.0.0.1:6379, which the stack publishes.
    disable_packaged_service redis-server
  fi
done
# A JDK (jlink and the jmods) and Maven, for the Kafka image.
command -v jlink >/dev/null 2>&1 && [ -d "$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")/jmods" ] \
  || apt_install openjdk-17-jdk-headless
command -v mvn >/dev/null 2>&1 || apt_install maven
jdk=$(dirname "$(dirname "$(readlink -f "$(command -v jlink)")")")

# copy_with_libs ROOT FILE...: each shared library FILE needs, at its path.
copy_libs() {
  local root=$1; shift
  ldd "$@" 2>/dev/null | grep -v ':$' | grep -o '/[^ ]*' | sort -u | while read -r lib; do
    # The ELF interpreter must be executable, so libraries keep 0755.
    [ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
  done
}
copy_bins() { # ROOT BIN...: at /usr/bin, with their libraries
  local root=$1; shift
  for bin in "$@"; do install -D -m 0755 "$bin" "$root/usr/bin/$(basename "$bin")"; done
  copy_libs "$root" "$@"
}

base_rootfs() { # ROOT: busybox as /bin/sh and its applets, /tmp, root in /etc/passwd
  local root=$1
  rm -rf "$root" && mkdir -p "$root/bin" "$root/tmp" "$root/etc"
  cp /bin/busybox "$root/bin/busybox"
  for a in sh ash cat echo grep head tail sed tr sleep kill nc ls env id printf test '[' mkdir rm cut sort \
    hostname ps wc dirname basename chown chmod cp mv ln touch uname date find xargs awk tee true false expr readlink; do
    ln -sf busybox "$root/bin/$a"
  done
  chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
}

# image_current TAG HASH: the image exists and was built from these inputs.
image_current() {
  [ "$(docker image inspect -f '{{index .Config.Labels "kraft-acceptance.inputs"}}' "$1" 2>/dev/null)" = "$2" ]
}
# ensure_image TAG HASH BUILD: runs BUILD only when the inputs changed.
ensure_image() {
  if image_current "$1" "$2"; then say "image $1 up to date ($2)"; else "$3"; fi
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

# --- Kafka ----------------------------------------------------------------------
# The jars: the POM's runtime closure, in a directory keyed by the POM's hash.
pom_hash=$(sha256sum "$src/kafka/pom.xml" | cut -c1-16)
libs="$cache/kafka-3.8.0-libs-$pom_hash"
if [ ! -e "$libs/.complete" ]; then
  say "resolving Apache Kafka 3.8.0's jars from Maven Central (fixtures/standin/kafka/pom.xml; cached in $libs)"
  rm -rf "$libs.tmp" && mkdir -p "$libs.tmp"
  (cd "$src/kafka" && mvn -B -q dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$libs.tmp" -Dmaven.repo.local="$cache/m2" \
      -Dmaven.build.directory="$libs.tmp.build") >"$cache/kafka-libs.log" 2>&1 \
    || { tail -n 30 "$cache/kafka-libs.log" >&2; die "mvn could not resolve the Kafka 3.8.0 jars (log: $cache/kafka-libs.log)"; }
  rm -rf "$libs.tmp.build" "$src/kafka/target"
  touch "$libs.tmp/.complete"
  rm -rf "$libs" && mv "$libs.tmp" "$libs"
fi
# The Java runtime: the modules Kafka, its tools and JMX use.
java_modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,java.naming,java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.attach,jdk.crypto.ec,jdk.jcmd,jdk.jfr,jdk.management,jdk.management.agent,jdk.naming.dns,jdk.net,jdk.security.auth,jdk.security.jgss,jdk.unsupported,jdk.zipfs
kafka_hash=$( {
  echo "$java_modules"; "$jdk/bin/java" -version 2>&1; bash --version | head -n 1; dpkg -s busybox-static | grep '^Version'
  (cd "$src/kafka" && find pom.xml bin docker config Dockerfile -type f -printf '%m %p\n' | sort && find pom.xml bin docker config Dockerfile -type f -print0 | sort -z | xargs -0 sha256sum)
  sha256sum < "$0"
} | sha256sum | cut -c1-16)
kafka_image() {
  local work="$cache/images/kafka" root="$cache/images/kafka/rootfs" owned
  base_rootfs "$root"
  copy_bins "$root" "$(readlink -f "$(command -v bash)")"
  ln -sf ../usr/bin/bash "$root/bin/bash"
  say "making a Java runtime with jlink from $jdk"
  "$jdk/bin/jlink" --add-modules "$java_modules" --output "$root/opt/java/openjdk" \
    --strip-debug --no-man-pages --no-header-files --generate-cds-archive >"$work/jlink.log" 2>&1 \
    || "$jdk/bin/jlink" --add-modules "$java_modules" --output "$root/opt/java/openjdk" \
         --strip-debug --no-man-pages --no-header-files \
    || { cat "$work/jlink.log" >&2; die "jlink failed"; }
  copy_libs "$root" $(find "$root/opt/java/openjdk" -name '*.so' -o -path '*/bin/*' -type f)
  # The C runtime whole: the jars' own native parts (zstd-jni, snappy, lz4,
  # netty), unpacked at run time, link libpthread, libdl, libstdc++...
  dpkg -L libc6 libgcc-s1 libstdc++6 | grep -E '^/(usr/)?lib/[^/]+/[^/]+\.so[.0-9]*$' | while read -r lib; do
    [ -e "$root$lib" ] || { mkdir -p "$root$(dirname "$lib")" && cp -a "$lib" "$root$lib"; }
  done
  # Owned by appuser (uid 1000) in the image: /opt/kafka, /mnt/shared/config,
  # /usr/logs, its home; by appuser:root, group-writable: /var/lib/kafka,
  # /etc/kafka. Each is a tree of its own, copied with --chown (Dockerfile).
  owned="$work/owned"
  rm -rf "$owned" && mkdir -p "$owned"/{kafka/libs,kafka/logs,kafka/config/kraft,shared-config,logs,home,var-lib-kafka/data,etc-kafka/docker,etc-kafka/secrets}
  cp "$libs"/*.jar "$owned/kafka/libs/"
  install -D -m 0755 "$src"/kafka/bin/* -t "$owned/kafka/bin"
  install -m 0644 "$src/kafka/config/log4j.properties" "$src/kafka/config/tools-log4j.properties" -t "$owned/kafka/config"
  install -m 0644 "$src/kafka/config/server.properties" -t "$owned/kafka/config/kraft"
  # The defaults KafkaDockerWrapper falls back on, beside the entrypoint's scripts.
  install -m 0644 "$src"/kafka/config/*.properties -t "$owned/etc-kafka/docker"
  install -m 0755 "$src"/kafka/docker/* -t "$owned/etc-kafka/docker"
  chmod -R ug+w "$owned/var-lib-kafka" "$owned/etc-kafka"
  mkdir -p "$root/opt" "$root/var/lib" "$root/mnt/shared" "$root/usr" "$root/home"
  echo 'appuser:x:1000:1000::/home/appuser:/bin/bash' >> "$root/etc/passwd"
  echo 'appuser:x:1000:' >> "$root/etc/group"
  sed "s/@INPUTS@/$kafka_hash/" "$src/kafka/Dockerfile" > "$work/Dockerfile"
  docker_build "$kafka_tag" "$work"
}
ensure_image "$kafka_tag" "$kafka_hash" kafka_image

# --- Redis ----------------------------------------------------------------------
redis_hash=$( {
  redis-server --version; dpkg -s busybox-static | grep '^Version'; cat "$src/redis/redis-entrypoint.sh" "$0" | sha256sum
} | sha256sum | cut -c1-16)
redis_image() {
  local work="$cache/images/redis" root="$cache/images/redis/rootfs"
  base_rootfs "$root"
  copy_bins "$root" "$(command -v redis-server)" "$(command -v redis-cli)"
  install -D -m 0755 "$src/redis/redis-entrypoint.sh" "$root/standin/redis-entrypoint.sh"
  mkdir -p "$root/data"
  printf 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/bin:/bin\nWORKDIR /data\nVOLUME /data\nLABEL kraft-acceptance.inputs=%s kraft-acceptance.standin=true\n' \
    "$redis_hash" > "$work/Dockerfile"
  docker_build "$redis_tag" "$work"
}
ensure_image "$redis_tag" "$redis_hash" redis_image
