#!/usr/bin/env bash
# Writes crates/ringctl/link-order.txt: the functions that everyday commands run, so that the release
# build's linker can place them side by side (see crates/ringctl/build.rs and BENCHMARKS.md).
#
#   compat/bench/link-order.sh [--ringctl PATH] [--out FILE]
#   compat/bench/link-order.sh --check [--ringctl PATH]
#
# --check only says how much of the list the build still defines (a list goes stale as the code
# changes: renamed or inlined functions lose their place, which costs memory, never correctness) and
# fails when under 90% is. Otherwise it needs valgrind and a release build
# (`cargo build --release -p ringctl`) with its symbols. Each
# command below runs once under callgrind against a fresh `ringctl sandbox serve`; every function it
# executed that the executable defines is kept. Functions run by more commands come first, then the
# busier ones, so the code that every start runs shares the fewest pages.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RINGCTL="${CARGO_TARGET_DIR:-$REPO/target}/release/ringctl"
OUT="$REPO/crates/ringctl/link-order.txt"
CHECK=""
while [ $# -gt 0 ]; do
    case "$1" in
        --ringctl) RINGCTL="${2:?--ringctl needs a path}"; shift 2 ;;
        --out) OUT="${2:?--out needs a path}"; shift 2 ;;
        --check) CHECK=1; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "error: unknown argument '$1'; see --help." >&2; exit 2 ;;
    esac
done
if [ -n "$CHECK" ]; then
    [ -x "$RINGCTL" ] || { echo "error: no ringctl at $RINGCTL; run cargo build --release -p ringctl." >&2; exit 2; }
    python3 - "$RINGCTL" "$OUT" <<'EOF'
import subprocess, sys

binary, listed = sys.argv[1], sys.argv[2]
names = [l.strip() for l in open(listed) if l.strip()]
defined = set()
for line in subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3:
        defined.add(parts[2])
if not defined:
    sys.exit(f"error: {binary} has no symbols; build it without stripping them.")
found = sum(name in defined for name in names)
share = found / max(len(names), 1)
print(f"{found} of {len(names)} listed functions ({share:.0%}) are defined by {binary}")
if share < 0.9:
    sys.exit("the list is stale: run compat/bench/link-order.sh to write it again.")
EOF
    exit $?
fi
command -v valgrind > /dev/null || { echo "error: valgrind is not installed." >&2; exit 2; }
[ -x "$RINGCTL" ] || { echo "error: no ringctl at $RINGCTL; run cargo build --release -p ringctl." >&2; exit 2; }

. "$HERE/sandbox.sh"
start_sandbox "$RINGCTL" 2000 order
export RINGCTL_HOME="$WORK/home"
mkdir -p "$RINGCTL_HOME"
field() { python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())[sys.argv[2]])' "$WORK/sandbox.json" "$1"; }
field clientSecret > "$WORK/secret"
field jwt > "$WORK/jwt"

n=0
# trace ARGS...: runs one ringctl command under callgrind, output to a numbered profile.
trace() {
    n=$((n + 1))
    valgrind --tool=callgrind --demangle=no --callgrind-out-file="$WORK/profile.$n" \
        "$RINGCTL" "$@" > /dev/null 2> "$WORK/trace.err" ||
        { echo "error: ringctl $* failed:" >&2; tail -n 5 "$WORK/trace.err" >&2; exit 1; }
}
trace login --server "$(field url)" --client-id "$(field clientId)" --client-secret-file "$WORK/secret" \
    --jwt-file "$WORK/jwt" --name order --json
trace --version
trace connection list
trace request /restapi/v1.0/account/~/extension/~
trace action list --intent "send a text message"
trace action run get-extension-info --input '{"extensionId": "~"}'
trace action run list-extensions --all-pages --json --input '{"perPage": 100}'
trace action run list-extensions --all-pages --ndjson
trace users list --json

python3 - "$RINGCTL" "$OUT" "$WORK"/profile.* <<'EOF'
import collections, re, subprocess, sys

binary, out, profiles = sys.argv[1], sys.argv[2], sys.argv[3:]
defined = set()
for line in subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split()
    if len(parts) == 3 and parts[1] in "tTwW":
        defined.add(parts[2])
commands = collections.Counter()
cost = collections.Counter()
for profile in profiles:
    names, current, seen = {}, None, set()
    for line in open(profile):
        m = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if m:
            if m.group(3):
                names[m.group(2)] = m.group(3)
            if m.group(1) == "fn":
                current = names.get(m.group(2))
                seen.add(current)
            continue
        # A cost line of the current function: "position instructions".
        parts = line.split()
        if current and len(parts) >= 2 and parts[0].lstrip("+-*").isdigit() and parts[1].isdigit():
            cost[current] += int(parts[1])
    for name in seen:
        if name in defined:
            commands[name] += 1
# Local symbols that LTO renames (".llvm.<hash>") change from build to build; leave them out.
order = sorted((n for n in commands if ".llvm." not in n), key=lambda n: (-commands[n], -cost[n], n))
with open(out, "w") as f:
    f.write("\n".join(order) + "\n")
print(f"{len(order)} functions from {len(profiles)} commands -> {out}")
EOF
