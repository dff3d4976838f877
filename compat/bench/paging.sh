#!/usr/bin/env bash
# Walks every extension of a fresh `ringctl sandbox serve --users N` with ringctl and with RingCentral's
# Python and JavaScript SDKs, and prints each walk's wall time, maximum RSS and record count (BENCHMARKS.md).
#
#   compat/bench/paging.sh [--users N] [--runs N] [--ringctl PATH] [PER_PAGE|default]...
#   (default: --users 10000 --runs 3, page sizes 100 1000 default; `default` sends no perPage)
#
# Needs a release build (`cargo build --release -p ringctl`) and the clients of `compat/run.sh setup`.
# Each walk writes its records as one JSON array to a file, counted afterwards; the figures are the
# median of the runs, from GNU time (whole process: interpreter, SDK, parsing and output).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
COMPAT="$(cd "$HERE/.." && pwd)"
REPO="$(cd "$COMPAT/.." && pwd)"
USERS=10000
RUNS=3
RINGCTL="${CARGO_TARGET_DIR:-$REPO/target}/release/ringctl"
SIZES=()
while [ $# -gt 0 ]; do
    case "$1" in
        --users) USERS="${2:?--users needs a number}"; shift 2 ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
        --ringctl) RINGCTL="${2:?--ringctl needs a path}"; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        default|[0-9]*) SIZES+=("$1"); shift ;;
        *) echo "error: unknown argument '$1'; see --help." >&2; exit 2 ;;
    esac
done
[ ${#SIZES[@]} -eq 0 ] && SIZES=(100 1000 default)
PY="$COMPAT/.venv/bin/python"
[ -x "$RINGCTL" ] || { echo "error: no ringctl at $RINGCTL; run cargo build --release -p ringctl." >&2; exit 2; }
[ -x "$PY" ] || { echo "error: no $PY; run compat/run.sh setup." >&2; exit 2; }
[ -d "$COMPAT/js/node_modules/@ringcentral/sdk" ] || { echo "error: no JavaScript SDK; run compat/run.sh setup." >&2; exit 2; }

. "$HERE/sandbox.sh"
start_sandbox "$RINGCTL" "$USERS" paging
export RINGCTL_HOME="$WORK/home"
mkdir -p "$RINGCTL_HOME"
field() { python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])' "$WORK/sandbox.json" "$1"; }
URL="$(field url)"
field clientSecret > "$WORK/secret"
field jwt > "$WORK/jwt"
"$RINGCTL" login --server "$URL" --client-id "$(field clientId)" --client-secret-file "$WORK/secret" \
    --jwt-file "$WORK/jwt" --name bench --json > /dev/null

# run NAME COMMAND...: RUNS timed runs; prints the median wall time and RSS, and the records written.
run() {
    local name="$1"; shift
    local i times=() rss=() records
    for i in $(seq 1 "$RUNS"); do
        /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > "$WORK/out.json" 2> "$WORK/err" ||
            { echo "error: $name failed:" >&2; cat "$WORK/err" "$WORK/time" >&2; exit 1; }
        read -r t m < <(tail -n1 "$WORK/time")
        times+=("$t"); rss+=("$m")
    done
    records="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/out.json")"
    local mt mr
    mt="$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")"
    mr="$(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")"
    printf '%-8s %-8s %8.2f s %8.1f MB %7s records   (runs: %s s)\n' "$SIZE" "$name" "$mt" \
        "$(echo "$mr / 1024" | bc -l)" "$records" "${times[*]}"
}

echo "users=$USERS runs=$RUNS load: $(uptime | sed 's/.*load average: //')"
printf '%-8s %-8s %10s %11s %15s\n' perPage client wall maxRSS output
for SIZE in "${SIZES[@]}"; do
    if [ "$SIZE" = default ]; then
        input='{}'; peer=()
    else
        input="{\"perPage\": $SIZE}"; peer=(--per-page "$SIZE")
    fi
    run ringctl "$RINGCTL" action run list-extensions --all-pages --json --input "$input"
    run python "$PY" "$COMPAT/python/walk.py" --sandbox-json "$WORK/sandbox.json" "${peer[@]}"
    run js node "$COMPAT/js/walk.mjs" --sandbox-json "$WORK/sandbox.json" "${peer[@]}"
done
echo "load after: $(uptime | sed 's/.*load average: //')"
