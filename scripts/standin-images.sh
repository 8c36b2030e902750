#!/usr/bin/env bash
# Builds the images a run uses where the target's own cannot be pulled (no
# registry), for fixtures/standin/docker-compose.standin.yml:
#
#   kraft-acceptance/standin-kafka:VERSION   apache/kafka:VERSION as its own
#       Dockerfile (docker/jvm/Dockerfile at the tag) makes it, for each
#       VERSION in fixtures/standin/kafka/ (3.7.0, 3.7.1, 3.8.0, 3.8.1): the
#       release's bin/ and config/ and the image's entrypoint scripts, Kafka's
#       own files (recorded in fixtures/standin/kafka/VERSION/release.tsv,
#       each kept once in fixtures/standin/kafka/files/ by its sha256), the
#       release's jars from Maven Central (its pom.xml), on
#       Java 21 (Debian 13's openjdk-21-jre-headless, a full JRE), bash and
#       procps (3.7.0's image has none: busybox's ps); user appuser (uid
#       1000), the same paths, volumes and CMD.
#   kraft-acceptance/standin-redis:debian-7.0   Debian's redis-server.
#
# Each image is rebuilt only when the hash of its inputs changes; the jars are
# cached outside the repo, keyed by the POM's hash.
# Usage: standin-images.sh CACHE [KAFKA_VERSION...] (default: every version)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=$1
shift
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"

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
# Maven (and the JDK it runs on) for the Kafka image's jars; procps and
# Java's CA certificates are copied into it.
command -v mvn >/dev/null 2>&1 || apt_install maven
apt_install procps ca-certificates-java

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

# --- Kafka ----------------------------------------------------------------------
# The jars of VERSION: its POM's runtime closure, in a directory keyed by the POM's hash.
kafka_libs() { # VERSION: prints the jars' directory
  local version=$1 pom_hash libs
  pom_hash=$(sha256sum "$src/kafka/$version/pom.xml" | cut -c1-16)
  libs="$cache/kafka-$version-libs-$pom_hash"
  if [ ! -e "$libs/.complete" ]; then
    say "resolving Apache Kafka $version's jars from Maven Central (fixtures/standin/kafka/$version/pom.xml; cached in $libs)" >&2
    rm -rf "$libs.tmp" && mkdir -p "$libs.tmp"
    (cd "$src/kafka/$version" && mvn -B -q dependency:copy-dependencies -DincludeScope=runtime \
        -DoutputDirectory="$libs.tmp" -Dmaven.repo.local="$cache/m2" \
        -Dmaven.build.directory="$libs.tmp.build") >"$cache/kafka-$version-libs.log" 2>&1 \
      || { tail -n 30 "$cache/kafka-$version-libs.log" >&2; die "mvn could not resolve the Kafka $version jars (log: $cache/kafka-$version-libs.log)"; }
    rm -rf "$libs.tmp.build" "$src/kafka/$version/target"
    touch "$libs.tmp/.complete"
    rm -rf "$libs" && mv "$libs.tmp" "$libs"
  fi
  printf '%s\n' "$libs"
}
# The Java runtime: Java 21, as the apache/kafka image (eclipse-temurin:21-jre)
# has; Debian 12 ships only 17. Debian 13's openjdk-21-jre-headless is a full
# JRE (every module, jdk.naming.rmi too, so JMX over JNDI works), fetched with
# apt from a package list of Debian 13 kept in the cache (not the machine's),
# with the C runtime it is built for (Debian 13's libc6, libgcc-s1,
# libstdc++6, zlib1g); unpacked in a directory keyed by their versions.
java_debs=(openjdk-21-jre-headless libc6 libgcc-s1 libstdc++6 zlib1g)
arch=$(dpkg --print-architecture)
# debian_archive: the first Debian archive URI (not -security) of this
# machine's apt sources, deb822 or one-line form.
debian_archive() {
  local uris
  uris=$( { cat /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } | awk '$1 == "URIs:" {print $2}'
          { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } | sed 's/\[[^]]*\]//' | awk '$1 == "deb" {print $2}')
  printf '%s\n' "$uris" | grep -E '/debian/?$' | head -n 1 | grep .
}
java_runtime_dir() { # prints the cached runtime's directory, fetching it when none is
  local found apt="$cache/debian13-apt" o versions dir
  found=$(find "$cache" -maxdepth 2 -path "$cache/java21-debian13-*/.complete" 2>/dev/null | sort | tail -n 1)
  [ -n "$found" ] && { dirname "$found"; return; }
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/debs" && : > "$apt/status"
  # The archive this machine's own apt uses for Debian, at the suite trixie.
  local archive
  archive=$(debian_archive) || die "no Debian archive in this machine's apt sources (/etc/apt/sources.list{,.d/*})"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $archive trixie main" > "$apt/sources.list"
  o=(-o "Dir::Etc::SourceList=$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=$apt/lists"
     -o "Dir::Cache=$apt/cache" -o "Dir::State::status=$apt/status" -o "APT::Architecture=$arch" -o APT::Sandbox::User=root)
  say "fetching Java 21 (Debian 13's openjdk-21-jre-headless) and its C runtime; cached in $cache" >&2
  apt-get "${o[@]}" -q update >"$apt/update.log" 2>&1 || { cat "$apt/update.log" >&2; die "apt-get update of Debian 13's package list failed"; }
  versions=$(apt-cache "${o[@]}" show --no-all-versions "${java_debs[@]}" | grep '^Version:' | cut -d' ' -f2 | paste -sd_ | tr ':~+' '...')
  dir="$cache/java21-debian13-$(printf '%s' "$versions" | sha256sum | cut -c1-16)"
  rm -rf "$apt/debs"/* "$dir.tmp" && mkdir -p "$dir.tmp"
  (cd "$apt/debs" && apt-get "${o[@]}" -q download "${java_debs[@]}" >"$apt/download.log" 2>&1) \
    || { cat "$apt/download.log" >&2; die "apt-get download ${java_debs[*]} (Debian 13) failed"; }
  for deb in "$apt/debs"/*.deb; do dpkg-deb -x "$deb" "$dir.tmp"; done
  (cd "$apt/debs" && ls) > "$dir.tmp/.debs"
  touch "$dir.tmp/.complete" && rm -rf "$dir" && mv "$dir.tmp" "$dir"
  printf '%s\n' "$dir"
}
java_dir=$(java_runtime_dir)
procps_bins=$(dpkg -L procps | grep -E '^/(usr/)?s?bin/.' | sort)
kafka_hash() { # VERSION
  {
    echo "$1"; cat "$java_dir/.debs"; bash --version | head -n 1; dpkg -s busybox-static procps | grep '^Version'; echo "$procps_bins"
    (cd "$src/kafka" && find "$1" files Dockerfile -type f -printf '%m %p\n' | sort \
       && find "$1" files Dockerfile -type f -print0 | sort -z | xargs -0 sha256sum)
    sha256sum < "$0"
  } | sha256sum | cut -c1-16
}

kafka_rootfs() { # ROOT VERSION: Debian 13's C runtime, Java 21 at /opt/java/openjdk, bash, procps
  local root=$1 version=$2 jre=usr/lib/jvm/java-21-openjdk-$arch link target
  base_rootfs "$root"
  mkdir -p "$root/usr/lib64" "$root/usr/lib" "$root/opt/java" && ln -s usr/lib64 "$root/lib64" && ln -s usr/lib "$root/lib"
  (cd "$java_dir" && tar -c --exclude=./usr/share --exclude=./usr/lib/jvm --exclude=./usr/lib/debug --exclude=./etc ./usr) | tar -x -C "$root"
  cp -a "$java_dir/$jre" "$root/opt/java/openjdk"
  rm -rf "$root/opt/java/openjdk"/{docs,man}
  # Debian's JRE links its configuration into /etc and its CA certificates
  # into ca-certificates-java's keystore: the files themselves, in the runtime.
  find "$root/opt/java/openjdk" -type l -lname '/*' | while read -r link; do
    target=$(readlink "$link")
    if [ -e "$java_dir$target" ]; then cp -L --remove-destination "$java_dir$target" "$link"
    elif [ -e "$target" ]; then cp -L --remove-destination "$target" "$link"
    else rm -f "$link"; fi
  done
  # Every busybox applet at its own path, as Alpine's base has them
  # (/usr/bin/env for #!/usr/bin/env bash, which, less, vi, ...).
  for a in $(busybox --list-full); do
    [ -e "$root/$a" ] || [ -L "$root/$a" ] || { mkdir -p "$root/$(dirname "$a")" && ln -s /bin/busybox "$root/$a"; }
  done
  copy_bins "$root" "$(readlink -f "$(command -v bash)")"
  ln -sf ../usr/bin/bash "$root/bin/bash"
  # procps as the image's (ps, top, pgrep, pkill, free, ...), before
  # busybox's; 3.7.0's Dockerfile adds none.
  [ "$version" = 3.7.0 ] && return
  for bin in $procps_bins; do rm -f "$root/bin/$(basename "$bin")"; done
  # shellcheck disable=SC2086
  copy_bins "$root" $procps_bins
}

release_of() { # VERSION DIR: the release's recorded files, each from files/ with its mode
  local dir=$2 kind image tree sha class mode dest
  rm -rf "$dir" && mkdir -p "$dir"
  while IFS=$'\t' read -r kind image tree sha class mode; do
    case $kind in
      '#'*|'') continue ;;
      docker) dest="$dir/docker/${image##*/}" ;;
      build) dest="$dir/build/${image##*/}" ;;
      *) dest="$dir/$tree" ;;
    esac
    install -D -m "$mode" "$src/kafka/files/$sha" "$dest"
  done < "$src/kafka/$1/release.tsv"
}

kafka_image() { # VERSION
  local version=$1 work="$cache/images/kafka-$1" root="$cache/images/kafka-$1/rootfs" owned libs release="$cache/images/kafka-$1/release"
  libs=$(kafka_libs "$version")
  release_of "$version" "$release"
  kafka_rootfs "$root" "$version"
  # Owned by appuser (uid 1000) in the image, as the Dockerfile's chown -R:
  # /opt/kafka, /mnt/shared/config, /usr/logs, its home; by appuser:root,
  # group-writable: /var/lib/kafka, /etc/kafka. Each is a tree of its own,
  # copied with --chown (Dockerfile).
  owned="$work/owned"
  rm -rf "$owned" && mkdir -p "$owned"/{kafka/libs,shared-config,logs,home,var-lib-kafka/data,etc-kafka/docker,etc-kafka/secrets}
  cp "$libs"/*.jar "$owned/kafka/libs/"
  cp -a "$release/bin" "$release/config" "$owned/kafka/"
  # The Dockerfile's copies of the release's defaults, beside Kafka's entrypoint scripts.
  cp "$release/config/log4j.properties" "$release/config/tools-log4j.properties" "$owned/etc-kafka/docker/"
  cp "$release/config/kraft/server.properties" "$owned/etc-kafka/docker/server.properties"
  cp -a "$release/docker/." "$owned/etc-kafka/docker/"
  chmod -R ug+w "$owned/var-lib-kafka" "$owned/etc-kafka"
  mkdir -p "$root/var/lib" "$root/mnt/shared" "$root/usr" "$root/home"
  echo 'appuser:x:1000:1000::/home/appuser:/bin/bash' >> "$root/etc/passwd"
  echo 'appuser:x:1000:' >> "$root/etc/group"
  sed -e "s/@INPUTS@/$(kafka_hash "$version")/" -e "s/@VERSION@/$version/g" "$src/kafka/Dockerfile" > "$work/Dockerfile"
  docker_build "kraft-acceptance/standin-kafka-build:$version" "$work"
  # The build-jsa stage's tools beside the image's: procps (its stop script
  # finds the broker with `ps ax`), which 3.7.0's final image lacks.
  # Only the libraries the image lacks: its own C runtime stays.
  rm -rf "$work/jsa-stage" && mkdir -p "$work/jsa-stage/rootfs"
  for bin in $procps_bins; do install -D -m 0755 "$bin" "$work/jsa-stage/rootfs/usr/bin/$(basename "$bin")"; done
  # shellcheck disable=SC2086
  ldd $procps_bins 2>/dev/null | grep -v ':$' | grep -o '/[^ ]*' | sort -u | while read -r lib; do
    [ -e "$root$lib" ] || install -D -m 0755 "$lib" "$work/jsa-stage/rootfs$lib"
  done
  printf 'FROM kraft-acceptance/standin-kafka-build:%s\nCOPY rootfs/ /\n' "$version" > "$work/jsa-stage/Dockerfile"
  docker_build "kraft-acceptance/standin-kafka-jsa-stage:$version" "$work/jsa-stage"
  kafka_jsa "$version" "$work/jsa" "$release/build/jsa_launch"
  docker rmi "kraft-acceptance/standin-kafka-jsa-stage:$version" >/dev/null
  printf 'FROM kraft-acceptance/standin-kafka-build:%s\nCOPY --chown=0:0 kafka.jsa storage.jsa /opt/kafka/\n' "$version" > "$work/jsa/Dockerfile"
  docker_build "kraft-acceptance/standin-kafka:$version" "$work/jsa"
  docker rmi "kraft-acceptance/standin-kafka-build:$version" >/dev/null
}

# The image's class-data archives, as its Dockerfile's build-jsa stage makes
# them: the release's own docker/jvm/jsa_launch run as root in / on the
# image with procps (format the storage, start a broker, create a topic, produce and
# consume a record, stop it), each JVM writing its archive at exit
# (-XX:ArchiveClassesAtExit): storage.jsa for the storage tool, kafka.jsa for
# the broker. No network but loopback (its own name resolving there);
# bounded; the container goes with its anonymous volumes. The archives load
# only with the same jars (paths, sizes, times): the final image and the
# stage share the layer that holds them.
kafka_jsa() { # VERSION OUT_DIR JSA_LAUNCH
  local version=$1 out=$2 launch=$3 name="kraftacc-jsa-$1-$$" ok=0
  rm -rf "$out" && mkdir -p "$out"
  say "making Kafka $version's class-data archives (its docker/jvm/jsa_launch: a broker started and stopped, about a minute)"
  docker rm -f -v "$name" >/dev/null 2>&1 || true
  timeout 300 docker run --name "$name" --user root --workdir / --network none \
      --hostname kafka-jsa --add-host kafka-jsa:127.0.0.1 --label kraft-acceptance.build=jsa \
      -v "$launch:/etc/kafka/docker/jsa_launch:ro" --entrypoint /etc/kafka/docker/jsa_launch \
      "kraft-acceptance/standin-kafka-jsa-stage:$version" >"$out.log" 2>&1 \
    && docker cp "$name:/kafka.jsa" "$out/kafka.jsa" >/dev/null 2>&1 \
    && docker cp "$name:/storage.jsa" "$out/storage.jsa" >/dev/null 2>&1 && ok=1
  docker rm -f -v "$name" >/dev/null 2>&1 || true
  [ "$ok" = 1 ] || { tail -n 30 "$out.log" >&2; die "Kafka $version's jsa_launch did not make kafka.jsa and storage.jsa (log: $out.log)"; }
}
versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then
  for d in "$src"/kafka/[0-9]*/; do versions+=("$(basename "$d")"); done
fi
for version in "${versions[@]}"; do
  [ -e "$src/kafka/$version/pom.xml" ] || die "Kafka $version is not built here (fixtures/standin/kafka/ has $(cd "$src/kafka" && ls -d [0-9]* | paste -sd' '))"
  ensure_image "kraft-acceptance/standin-kafka:$version" "$(kafka_hash "$version")" kafka_image "$version"
done

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
