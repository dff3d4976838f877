#!/usr/bin/env bash
# Loads `GET /restapi/v1.0/account/~/extension/~` of a fresh `ringctl sandbox serve` with wrk and a
# valid token (BENCHMARKS.md).
#
#   compat/bench/read-one.sh [--users N] [--ringctl PATH] [WRK ARGS...]   (default: -t2 -c32 -d10s)
#   compat/bench/read-one.sh --path /restapi/v1.0/account/~/extension?perPage=1000 -t1 -c1 -d10s
#
# Needs a release build (`cargo build --release -p ringctl`) and wrk (`apt-get install -y wrk`).
# The sandbox runs with its default settings: state in memory, rate limits off.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
USERS=50
RINGCTL="${CARGO_TARGET_DIR:-$REPO/target}/release/ringctl"
URL_PATH="/restapi/v1.0/account/~/extension/~"
WRK_ARGS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --users) USERS="${2:?--users needs a number}"; shift 2 ;;
        --ringctl) RINGCTL="${2:?--ringctl needs a path}"; shift 2 ;;
        --path) URL_PATH="${2:?--path needs a path}"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) WRK_ARGS+=("$1"); shift ;;
    esac
done
[ ${#WRK_ARGS[@]} -eq 0 ] && WRK_ARGS=(-t2 -c32 -d10s)
command -v wrk > /dev/null || { echo "error: wrk is missing; apt-get install -y wrk." >&2; exit 2; }
[ -x "$RINGCTL" ] || { echo "error: no ringctl at $RINGCTL; run cargo build --release -p ringctl." >&2; exit 2; }

. "$HERE/sandbox.sh"
start_sandbox "$RINGCTL" "$USERS" wrk
python3 "$REPO/compat/get_token.py" --sandbox-json "$WORK/sandbox.json" --out "$WORK/token"
URL="$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["url"])' "$WORK/sandbox.json")"
# The header goes in through a Lua script in the private work directory, so the token stays off the
# command line.
cat > "$WORK/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $(cat "$WORK/token")"
LUA
echo "users=$USERS load: $(uptime | sed 's/.*load average: //')"
wrk "${WRK_ARGS[@]}" --latency -s "$WORK/auth.lua" "$URL$URL_PATH"
echo "load after: $(uptime | sed 's/.*load average: //')"
