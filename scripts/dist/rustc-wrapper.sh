#!/bin/sh
# RUSTC_WRAPPER for the static build with Debian's rustc-web 1.85: crates
# outside the standard library's source get the let-chains gate (stable in
# 1.88, which cucumber 0.22 and gherkin 0.15 declare); cucumber also
# Vec::extract_if (stable in 1.87). RUSTC_BOOTSTRAP=1 lets 1.85 accept them.
rustc="$1"; shift
case "$*" in
  *"/usr/lib/rustlib/src/"*|*"/usr/src/rustc-"*|*" - "*|*"--print"*|*"-vV"*) exec "$rustc" "$@" ;;
  *"--crate-name cucumber "*) exec "$rustc" "$@" -Zcrate-attr='feature(let_chains)' -Zcrate-attr='feature(extract_if)' -Astable_features ;;
esac
exec "$rustc" "$@" -Zcrate-attr='feature(let_chains)' -Astable_features
