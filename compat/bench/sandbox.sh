# Sourced by the bench scripts: starts a fresh `ringctl sandbox serve` on a free loopback port, in a
# work directory of its own that goes, with the server, when the script exits.
#
#   start_sandbox RINGCTL USERS NAME
#
# Sets WORK (the directory) and SANDBOX_PID; the server's first line, with its url and
# credentials, is "$WORK/sandbox.json". Waits at most 60 s for it.

SANDBOX_PID=""
WORK=""
stop_sandbox() {
    [ -n "$SANDBOX_PID" ] && kill "$SANDBOX_PID" 2>/dev/null && wait "$SANDBOX_PID" 2>/dev/null
    [ -n "$WORK" ] && rm -rf "$WORK"
}

start_sandbox() {
    local ringctl="$1" users="$2" name="$3"
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/ringctl-$name.XXXXXX")"
    trap stop_sandbox EXIT
    "$ringctl" sandbox serve --addr 127.0.0.1:0 --users "$users" > "$WORK/sandbox.json" 2> "$WORK/sandbox.log" &
    SANDBOX_PID=$!
    for _ in $(seq 1 600); do
        head -n1 "$WORK/sandbox.json" 2>/dev/null | grep -q '"url"' && return 0
        kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$WORK/sandbox.log" >&2; exit 1; }
        sleep 0.1
    done
    echo "error: the sandbox did not start within 60 s; see $WORK/sandbox.log." >&2
    exit 1
}
