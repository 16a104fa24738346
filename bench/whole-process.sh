#!/usr/bin/env bash
# Whole-process benchmarks of pinhole with public tools: hyperfine for time (median of runs),
# of summary (load), query (10,000 questions), check (bench/synth-intents.yaml) and lint, and
# of matrix (by account) up to MATRIX_MAX accounts (default 100; one run above 10 accounts:
# it takes minutes there), GNU time (/usr/bin/time -v) for peak memory. Generates synthetic
# organisations first.
#
#   bench/whole-process.sh [ACCOUNTS ...]      default: 10 100 1000
#
# Needs: a release build (cargo build --release), hyperfine and GNU time
# (apt-get install hyperfine time). Writes organisations under ${BENCH_DIR:-/tmp/pinhole-bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/pinhole
dir=${BENCH_DIR:-/tmp/pinhole-bench}
sizes=("${@:-10 100 1000}")
[ -x "$bin" ] || cargo build --release -q
command -v hyperfine >/dev/null || { echo "hyperfine missing: apt-get install hyperfine" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time missing: apt-get install time" >&2; exit 1; }
mkdir -p "$dir"

for n in ${sizes[*]}; do
  org="$dir/org$n"
  if [ ! -d "$org/aws_configs" ]; then
    echo "== generating $n accounts"; "$bin" synth --accounts "$n" --seed 1 --out "$org"
  fi
  bytes=$(du -sb "$org/aws_configs" | cut -f1)
  # 10,000 questions between random interface addresses of the organisation.
  q="$dir/questions$n.jsonl"
  if [ ! -f "$q" ]; then
    "$bin" summary "$org" | awk '$1 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ {print $1}' > "$dir/addrs$n"
    awk -v seed=1 'BEGIN{srand(seed)} {a[NR]=$1} END{split("22 443 8080 3306 5432",p," ");
      for(i=0;i<10000;i++){s=a[int(rand()*NR)+1]; d=a[int(rand()*NR)+1];
        printf "{\"src\":\"%s\",\"dst\":\"%s\",\"proto\":\"tcp\",\"port\":%s}\n", s, d, p[int(rand()*5)+1]}}' \
      "$dir/addrs$n" > "$q"
  fi
  echo "== $n accounts: $((bytes / 1000000)) MB of JSON"
  hyperfine --warmup 1 --runs 5 --export-json "$dir/load$n.json" \
    -n "load+summary $n" "$bin summary $org" \
    -n "load+query 10k $n" "$bin query $org --flows $q" \
    -n "load+check $n" "$bin check $org --intents bench/synth-intents.yaml" \
    -n "load+lint $n" "$bin lint $org" > /dev/null 2>&1
  python3 - "$dir/load$n.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("   %-22s median %.3f s  (min %.3f, max %.3f)" % (r["command"], r["median"], r["min"], r["max"]))
PY
  cmds=("summary $org" "query $org --flows $q" "check $org --intents bench/synth-intents.yaml" "lint $org")
  if [ "$n" -le "${MATRIX_MAX:-100}" ]; then
    runs=5; [ "$n" -gt 10 ] && runs=1
    hyperfine --runs $runs --export-json "$dir/matrix$n.json" -n "load+matrix $n" \
      "$bin matrix $org --by account" > /dev/null 2>&1
    python3 - "$dir/matrix$n.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("   %-22s median %.3f s  (min %.3f, max %.3f)" % (r["command"], r["median"], r["min"], r["max"]))
PY
    cmds+=("matrix $org --by account")
  fi
  for cmd in "${cmds[@]}"; do
    /usr/bin/time -f "   peak %M KB  wall %e s  ($cmd)" "$bin" $cmd > /dev/null || true
  done
done
