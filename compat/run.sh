#!/usr/bin/env bash
# Runs third-party clients against a fresh `ringctl sandbox serve` for each part, and exits non-zero
# when any part failed. See compat/README.md.
#
#   compat/run.sh [--spec PATH] [--out DIR] [--max-examples N] [--no-build] PART...
#   PART: python | js | scim | schemathesis | mcp | all
#   compat/run.sh setup    # only install the clients (compat/.venv, compat/js/node_modules)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
# The spec vendored in the repository.
SPEC="$REPO/spec/rc-public-openapi.yml"
OUT=""
BUILD=1
MAX_EXAMPLES=3
# Access tokens of the SDK flows live this long, so that both SDKs must refresh during the run.
SDK_TOKEN_TTL=5
# The rate-limit flows run against 1.2-second windows (RingCentral's 60 s scaled by 0.02).
RATE_LIMITS="scale=0.02"
PARTS=()
SETUP_ONLY=0

usage() {
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
    case "$1" in
        --spec) SPEC="${2:?--spec needs a path}"; shift 2 ;;
        --spec=*) SPEC="${1#--spec=}"; shift ;;
        --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
        --out=*) OUT="${1#--out=}"; shift ;;
        --max-examples) MAX_EXAMPLES="${2:?--max-examples needs a number}"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) usage; exit 0 ;;
        python|js|scim|schemathesis|mcp) PARTS+=("$1"); shift ;;
        all) PARTS+=(python js scim schemathesis mcp); shift ;;
        setup) SETUP_ONLY=1; shift ;;
        *) echo "error: unknown argument '$1'. Parts are python, js, scim, schemathesis, mcp, all (or setup)." >&2; exit 2 ;;
    esac
done
if [ "$SETUP_ONLY" = 1 ]; then
    # Every client, nothing run: what `cargo test` needs for its official SDK test.
    PARTS=(python js scim schemathesis mcp)
elif [ ${#PARTS[@]} -eq 0 ]; then
    echo "error: name at least one part: python, js, scim, schemathesis, mcp or all (or setup)." >&2
    exit 2
fi

want() {
    local p
    for p in "${PARTS[@]}"; do [ "$p" = "$1" ] && return 0; done
    return 1
}

# --- tools -------------------------------------------------------------------------------------------
VENV="$HERE/.venv"
PY="$VENV/bin/python"
# Each writes its stamp only once everything is installed, so a broken set-up is redone next time.
setup_python() {
    local stamp="$VENV/.compat-stamp" want_stamp
    want_stamp="$(cat "$HERE/requirements.txt" "$HERE/constraints.txt" | sha256sum | cut -d' ' -f1)"
    if [ ! -x "$PY" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want_stamp" ]; then
        echo "compat: setting up $VENV" >&2
        rm -f "$stamp"
        python3 -m venv "$VENV" &&
            "$PY" -m pip install -q --disable-pip-version-check -r "$HERE/requirements.txt" \
                -c "$HERE/constraints.txt" &&
            echo "$want_stamp" > "$stamp"
    fi
}
setup_js() {
    local lock_sum
    lock_sum="$(sha256sum "$HERE/js/package-lock.json" | cut -d' ' -f1)"
    if [ "$(cat "$HERE/js/node_modules/.compat-stamp" 2>/dev/null)" != "$lock_sum" ]; then
        echo "compat: npm ci in compat/js" >&2
        (cd "$HERE/js" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) &&
            echo "$lock_sum" > "$HERE/js/node_modules/.compat-stamp"
    fi
}
if [ "$SETUP_ONLY" = 1 ]; then
    # Both are tried even when one fails.
    status=0
    setup_python || { echo "compat: the Python set-up failed" >&2; status=1; }
    setup_js || { echo "compat: the JavaScript set-up failed" >&2; status=1; }
    [ "$status" = 0 ] && echo "compat: clients installed in $VENV and $HERE/js/node_modules" >&2
    exit "$status"
fi
if want python || want scim || want schemathesis || want mcp; then
    setup_python || { echo "error: could not set up $VENV" >&2; exit 2; }
fi
if want js; then
    setup_js || { echo "error: npm ci in $HERE/js failed" >&2; exit 2; }
fi

OUT="${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/ringctl-compat.XXXXXX")}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
export RINGCTL_HOME="$OUT/ringctl-home"
mkdir -p "$RINGCTL_HOME"
echo "compat: reports in $OUT" >&2

RINGCTL="$REPO/target/debug/ringctl"
if [ "$BUILD" = 1 ]; then
    echo "compat: building ringctl" >&2
    (cd "$REPO" && cargo build -q -p ringctl)
fi
[ -x "$RINGCTL" ] || { echo "error: $RINGCTL is missing; run without --no-build." >&2; exit 2; }

# --- sandbox -----------------------------------------------------------------------------------------
SANDBOX_PID=""
stop_sandbox() {
    if [ -n "$SANDBOX_PID" ]; then
        kill "$SANDBOX_PID" 2>/dev/null || true
        wait "$SANDBOX_PID" 2>/dev/null || true
        SANDBOX_PID=""
    fi
}
trap stop_sandbox EXIT
trap 'stop_sandbox; exit 130' INT TERM

# start_sandbox NAME [serve flags...]: a fresh in-memory sandbox; its startup line goes to $OUT/NAME.sandbox.json.
start_sandbox() {
    local name="$1"; shift
    local line="$OUT/$name.sandbox.json"
    : > "$line"
    "$RINGCTL" sandbox serve --addr 127.0.0.1:0 "$@" > "$line" 2> "$OUT/$name.sandbox.log" &
    SANDBOX_PID=$!
    local i
    for i in $(seq 1 300); do
        if [ -s "$line" ] && head -n1 "$line" | grep -q '"url"'; then
            SANDBOX_URL="$("$PY_ANY" -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["url"])' "$line")"
            return 0
        fi
        kill -0 "$SANDBOX_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "error: the sandbox for $name did not start; see $OUT/$name.sandbox.log" >&2
    stop_sandbox
    return 1
}
PY_ANY="$(command -v python3)"

# --- parts -------------------------------------------------------------------------------------------
declare -A RESULT

run_part() {
    local part="$1" rc=0
    echo "== $part" >&2
    case "$part" in
        python)
            start_sandbox python --token-ttl "$SDK_TOKEN_TTL" || return 1
            "$PY" "$HERE/python/flows.py" --sandbox-json "$OUT/python.sandbox.json" \
                --expect-token-ttl "$SDK_TOKEN_TTL" --report "$OUT/python.json" | tee "$OUT/python.txt" || rc=$?
            stop_sandbox
            start_sandbox python-limits --rate-limits "$RATE_LIMITS" || return 1
            "$PY" "$HERE/python/flows.py" --sandbox-json "$OUT/python-limits.sandbox.json" --only rate-limit \
                --report "$OUT/python-limits.json" | tee "$OUT/python-limits.txt" || rc=$?
            ;;
        js)
            start_sandbox js --token-ttl "$SDK_TOKEN_TTL" || return 1
            node "$HERE/js/flows.mjs" --sandbox-json "$OUT/js.sandbox.json" --report "$OUT/js.json" \
                | tee "$OUT/js.txt" || rc=$?
            stop_sandbox
            start_sandbox js-limits --rate-limits "$RATE_LIMITS" || return 1
            node "$HERE/js/flows.mjs" --sandbox-json "$OUT/js-limits.sandbox.json" --only rate-limit \
                --report "$OUT/js-limits.json" | tee "$OUT/js-limits.txt" || rc=$?
            ;;
        scim)
            start_sandbox scim || return 1
            "$PY" "$HERE/get_token.py" --sandbox-json "$OUT/scim.sandbox.json" --out "$OUT/scim.token" || return 1
            "$PY" "$HERE/scim/run_scim.py" --url "$SANDBOX_URL" --token-file "$OUT/scim.token" \
                --out-dir "$OUT/scim" | tee "$OUT/scim.txt" || rc=$?
            ;;
        schemathesis)
            if [ ! -f "$SPEC" ]; then
                echo "error: no spec at $SPEC; pass --spec PATH." >&2
                return 2
            fi
            start_sandbox schemathesis || return 1
            "$PY" "$HERE/get_token.py" --sandbox-json "$OUT/schemathesis.sandbox.json" \
                --out "$OUT/schemathesis.token" || return 1
            "$PY" "$HERE/schemathesis/run_schemathesis.py" --url "$SANDBOX_URL" --spec "$SPEC" \
                --token-file "$OUT/schemathesis.token" --max-examples "$MAX_EXAMPLES" \
                --out-dir "$OUT/schemathesis" > "$OUT/schemathesis.txt" || rc=$?
            # The full per-operation list is long: show the totals and point at the file.
            head -n 12 "$OUT/schemathesis.txt"
            echo "   (every operation: $OUT/schemathesis.txt)"
            tail -n 1 "$OUT/schemathesis.txt"
            ;;
        mcp)
            # No served sandbox: the MCP SDK starts `ringctl mcp` itself, on the embedded sandbox of
            # a home of its own.
            "$PY" "$HERE/mcp/flows.py" --ringctl "$RINGCTL" --home "$OUT/mcp-home" \
                --report "$OUT/mcp.json" | tee "$OUT/mcp.txt" || rc=$?
            ;;
    esac
    stop_sandbox
    return "$rc"
}

failed=0
for part in "${PARTS[@]}"; do
    if run_part "$part"; then RESULT[$part]=pass; else RESULT[$part]=FAIL; failed=$((failed + 1)); fi
done

echo
echo "compat summary (reports in $OUT):"
passed=0
for part in "${PARTS[@]}"; do
    echo "  ${RESULT[$part]}  $part"
    [ "${RESULT[$part]}" = pass ] && passed=$((passed + 1))
done
echo "compat: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
