#!/usr/bin/env bash
# Makes this machine ready to run pods as Docker containers, offline: installs docker.io and busybox-static when
# missing, starts dockerd (vfs storage) when its socket does not answer, and imports the two local images the node
# agent uses without a registry: local/pause:1 (the pod infra process, scripts/images/infra.c) and local/busybox:1
# (busybox-static with a link for every applet, for sample and test pods). Idempotent; needs root.
set -euo pipefail
cd "$(dirname "$0")"

log() { echo "docker-setup: $*"; }

if ! command -v dockerd >/dev/null || ! command -v busybox >/dev/null || ! command -v gcc >/dev/null || ! command -v dig >/dev/null || ! command -v conntrack >/dev/null; then
  log "installing docker.io, busybox-static, gcc, dnsutils (dig, for the cluster DNS tests), conntrack (the proxy's UDP flow cleanup)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io busybox-static gcc libc6-dev dnsutils conntrack >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (storage driver vfs, log /var/log/cluster-dockerd.log)"
  setsid dockerd --storage-driver=vfs >/var/log/cluster-dockerd.log 2>&1 < /dev/null &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 0.5
  done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up; see /var/log/cluster-dockerd.log" >&2; exit 1; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! docker image inspect local/pause:1 >/dev/null 2>&1; then
  log "building local/pause:1"
  mkdir -p "$work/pause"
  gcc -static -Os -s -o "$work/pause/pause" images/infra.c
  tar -C "$work/pause" -c . | docker import -c 'ENTRYPOINT ["/pause"]' - local/pause:1 >/dev/null
fi

if ! docker image inspect local/busybox:1 >/dev/null 2>&1; then
  log "building local/busybox:1"
  root="$work/busybox"
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root" "$root/var/www"
  cp "$(command -v busybox)" "$root/bin/busybox"
  # An applet is found by name through a link; images from docker import have no other programs.
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
  chmod 1777 "$root/tmp"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["sh"]' - local/busybox:1 >/dev/null
fi

log "ready: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})')"
