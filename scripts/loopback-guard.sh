#!/usr/bin/env bash
# What Docker Engine 28.0.0 does for ports published on 127.0.0.1, for an
# older engine (before 28.0.0 a host on the same L2 segment reaches them:
# it routes 127.0.0.1, or a container's own address, via this host).
#
# Engine 28 adds raw-table rules per published port and per container; those
# need addresses known only once a container runs. This is the generic form,
# one chain jumped from the top of DOCKER-USER, which also covers containers
# started later:
#   - traffic coming in on a Docker bridge (docker0, br-*) is left alone;
#   - a NEW connection whose conntrack original destination is 127.0.0.0/8
#     is dropped (the loopback spoof: DNAT to a container, then forwarded);
#   - a NEW connection forwarded into a Docker bridge that was not DNATed
#     (a published port) is dropped (a container's own address, reached from
#     outside).
# Ports published on a public address keep working: they are DNATed.
#
# Usage: scripts/loopback-guard.sh install | remove | status
set -euo pipefail
chain=KRAFTACC-LOOPBACK-GUARD

installed() { iptables -C DOCKER-USER -j "$chain" 2>/dev/null; }

case "${1:-}" in
  install)
    iptables -n -L DOCKER-USER >/dev/null 2>&1 || { echo "loopback-guard: no DOCKER-USER chain (is dockerd running with iptables?)" >&2; exit 1; }
    iptables -n -L "$chain" >/dev/null 2>&1 || iptables -N "$chain"
    iptables -F "$chain"
    iptables -A "$chain" -i docker0 -j RETURN
    iptables -A "$chain" -i br-+ -j RETURN
    iptables -A "$chain" -m conntrack --ctstate NEW --ctorigdst 127.0.0.0/8 -j DROP
    iptables -A "$chain" -o docker0 -m conntrack --ctstate NEW -m conntrack ! --ctstate DNAT -j DROP
    iptables -A "$chain" -o br-+ -m conntrack --ctstate NEW -m conntrack ! --ctstate DNAT -j DROP
    installed || iptables -I DOCKER-USER 1 -j "$chain"
    echo "loopback-guard: installed: DOCKER-USER -> $chain ($(iptables -S "$chain" | grep -c -- '^-A') rules)"
    ;;
  remove)
    while installed; do iptables -D DOCKER-USER -j "$chain"; done
    if iptables -n -L "$chain" >/dev/null 2>&1; then iptables -F "$chain"; iptables -X "$chain"; fi
    echo "loopback-guard: removed"
    ;;
  status)
    if installed; then echo "loopback-guard: installed"; else echo "loopback-guard: not installed"; exit 1; fi
    ;;
  *)
    echo "usage: scripts/loopback-guard.sh install | remove | status" >&2
    exit 2
    ;;
esac
