#!/usr/bin/env bash
# What the harness adds to what the stack itself costs, on the same machine
# and the same stack definition (reference target, stand-in images unless
# KRAFT_ACCEPTANCE_IMAGES=real):
#   A) docker compose up -d --wait kafka redis, then down -v   (the stack alone)
#   C) the commands the criteria themselves run, by hand: up -d kafka redis,
#      run --rm kafka_topic_setup (compose holds it until Kafka is healthy),
#      the second run (--no-deps), the redeploy (up -d --wait --force-recreate
#      kafka redis: new containers, healthy again), down -v
#   B) kraft-acceptance verify (the full suite: up, every scenario, down)
#   S) the static suite (@static, the validators aside), no stack: on the
#      reference and on the 6-node isolated cluster (Kafka's own setup and
#      format of every node; goal: at most 10 s, the cluster at most twice
#      the reference)
# Prints each run, the medians, the ratios B/A and B/C (the goal: what the
# harness adds beyond the commands it has to run, at most 5%) and Kafka's
# time-to-healthy, read from the suite's outcome.json.
# Usage: scripts/bench.sh [RUNS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
images=${KRAFT_ACCEPTANCE_IMAGES:-standin}
ref=fixtures/reference
files=(-f "$ref/docker-compose.infrastructure.yml")
[ "$images" = standin ] && files+=(-f fixtures/standin/docker-compose.standin.yml -f fixtures/standin/docker-compose.standin-bootstrap.yml)
cargo build --release --locked --quiet
bin=target/release/kraft-acceptance

now() { date +%s.%N; }
# compose on this run's project ($p), output dropped
dc() { docker compose -p "$p" --project-directory "$ref" "${files[@]}" "$@" >/dev/null 2>&1; }
# The anonymous volumes of this run's containers: a recreate carries them to
# the new containers and `down -v` then leaves them; removed by name after.
anonymous() {
  docker ps -aq --filter "label=com.docker.compose.project=$p" \
    | xargs -r docker inspect -f '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}}{{"\n"}}{{end}}{{end}}' \
    | grep -E '^[0-9a-f]{64}$' || true
}
down() { local v; v=$(anonymous); dc down -v; [ -z "$v" ] || echo "$v" | xargs -r docker volume rm >/dev/null 2>&1 || true; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
a_times=() b_times=() c_times=() healthy=() last=
volumes_before=$(docker volume ls -q | sort)
for i in $(seq 1 "$runs"); do
  p="kraftbench-$$-$i"
  t0=$(now)
  docker compose -p "$p" --project-directory "$ref" "${files[@]}" up -d --wait kafka redis >/dev/null 2>&1 \
    || { docker compose -p "$p" --project-directory "$ref" "${files[@]}" down -v >/dev/null 2>&1; echo "bench: up --wait failed" >&2; exit 1; }
  docker compose -p "$p" --project-directory "$ref" "${files[@]}" down -v >/dev/null 2>&1
  a=$(awk -v a="$(now)" -v b="$t0" 'BEGIN{print a-b}'); a_times+=("$a")

  t0=$(now)
  { dc up -d kafka redis && dc run --rm kafka_topic_setup && dc run --rm --no-deps kafka_topic_setup \
      && dc up -d --wait --force-recreate kafka redis; } \
    || { down; echo "bench: the criteria's commands failed" >&2; exit 1; }
  down
  c=$(awk -v a="$(now)" -v b="$t0" 'BEGIN{print a-b}'); c_times+=("$c")

  t0=$(now)
  report=$(mktemp -d)
  out=$("$bin" verify --project-dir "$ref" --images "$images" --report "$report" 2>&1) || { echo "$out" | tail -20; rm -rf "$report"; echo "bench: suite failed" >&2; exit 1; }
  b=$(awk -v a="$(now)" -v b="$t0" 'BEGIN{print a-b}'); b_times+=("$b")
  healthy+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["evidence"]["time_to_healthy"]["kafka"]["seconds"])' "$report/outcome.json")")
  rm -rf "$last"; last=$report
  printf 'bench: run %d: stack alone %.2f s, criteria commands %.2f s, full suite %.2f s, kafka time-to-healthy %s s\n' "$i" "$a" "$c" "$b" "${healthy[-1]}"
done
ma=$(printf '%s\n' "${a_times[@]}" | median)
mb=$(printf '%s\n' "${b_times[@]}" | median)
mc=$(printf '%s\n' "${c_times[@]}" | median)
mh=$(printf '%s\n' "${healthy[@]}" | median)
printf 'bench: images %s, %d runs\n' "$images" "$runs"
printf 'bench: median stack alone (up -d --wait + down -v): %.2f s\n' "$ma"
printf 'bench: median criteria commands (up -d, run, run --no-deps, up -d --wait --force-recreate, down -v): %.2f s\n' "$mc"
printf 'bench: median full suite (kraft-acceptance verify): %.2f s\n' "$mb"
printf 'bench: ratio suite/stack: %.3f; criteria commands/stack: %.3f\n' \
  "$(awk -v a="$mb" -v b="$ma" 'BEGIN{print a/b}')" "$(awk -v a="$mc" -v b="$ma" 'BEGIN{print a/b}')"
printf 'bench: ratio suite/criteria commands: %.3f (what the harness adds; goal <= 1.05)\n' "$(awk -v a="$mb" -v b="$mc" 'BEGIN{print a/b}')"
printf 'bench: median kafka time-to-healthy (engine events): %.2f s of 60 s\n' "$mh"
# The last suite run's timeline: its phases, then each scenario from the
# first scenario's start (the runner's event times), the critical path first.
python3 - "$last/outcome.json" <<'PY'
import json, sys
o = json.load(open(sys.argv[1]))
print("bench: last suite run, " + next(m for m in o["measurements"] if m.startswith("run phases")))
s = [x for x in o["scenarios"] if x.get("started_at")]
t0 = min(x["started_at"] for x in s)
for x in sorted(s, key=lambda x: (x["started_at"], x["name"])):
    a = x["started_at"] - t0
    print(f"bench:   {a:6.2f} -> {a + x['seconds']:6.2f} s  {x['name']}")
PY
rm -rf "$last"
static() { # DIR: the static suite's wall time
  local r t0
  r=$(mktemp -d); t0=$(now)
  "$bin" verify --project-dir "$1" --tags "@static and not @validators" --images "$images" --report "$r" >/dev/null 2>&1 \
    || { rm -rf "$r"; echo "bench: the static suite failed on $1" >&2; exit 1; }
  awk -v a="$(now)" -v b="$t0" 'BEGIN{print a-b}'; rm -rf "$r"
}
s_ref=() s_cluster=()
for i in $(seq 1 "$runs"); do
  s_ref+=("$(static "$ref")"); s_cluster+=("$(static fixtures/passing/cluster-isolated)")
done
sr=$(printf '%s\n' "${s_ref[@]}" | median); sc=$(printf '%s\n' "${s_cluster[@]}" | median)
printf 'bench: median static suite: reference %.2f s, 6-node isolated cluster %.2f s (ratio %.2f; goals: at most 10 s, ratio at most 2)\n' \
  "$sr" "$sc" "$(awk -v a="$sc" -v b="$sr" 'BEGIN{print a/b}')"
left=$(comm -13 <(echo "$volumes_before") <(docker volume ls -q | sort) | grep -c . || true)
printf 'bench: volumes left on the engine by the bench: %s\n' "$left"
