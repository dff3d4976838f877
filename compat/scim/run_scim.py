#!/usr/bin/env python3
"""Runs two independent SCIM 2.0 conformance checkers against a sandbox's `/scim/v2`.

- scim2-tester, through scim2-cli's `scim2 test` command: discovery documents, then create, read,
  replace, delete (and more) for every resource type the server publishes.
- scim-sanity's `probe`: discovery, the User lifecycle (POST, GET, PUT, PATCH active=false, DELETE,
  GET 404), search with filters and paging, and error handling.

Both authenticate with the administrator's bearer token (read from `--token-file`, never from the
command line, so that it shows up in no process list). Each tool's full output is kept in `--out-dir`;
the summary lists every check with its outcome, and the process exits 1 when any check failed.
"""

import argparse
import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time

# scim2-tester's verdicts (scim2_tester.Status) that mean the server met the RFC.
SCIM2_TESTER_OK = {"SUCCESS", "COMPLIANT", "ACCEPTABLE"}
SCIM2_TESTER_WARN = {"DEVIATION", "SKIPPED"}
SCIM2_LINE = re.compile(r"^(SUCCESS|COMPLIANT|ACCEPTABLE|DEVIATION|ERROR|CRITICAL|SKIPPED) (.*)$")


def redact(text, token):
    return text.replace(token, "***") if token else text


def run_scim2_tester(base, token, out_dir, timeout_s):
    """`scim2 test --verbose`, the header passed through SCIM_CLI_HEADERS as scim2-cli advises.

    The sandbox's default ServiceProviderConfig holds only the attributes RFC 7643 defines, which
    scim2-tester's model insists on (`ringctl sandbox serve --scim-rules ringcentral` adds
    RingCentral's `xmlDataFormat`, and scim2-tester then cannot discover the server)."""
    scim2 = os.path.join(os.path.dirname(sys.executable), "scim2")
    env = dict(os.environ, SCIM_CLI_URL=base, SCIM_CLI_HEADERS=f"Authorization: Bearer {token}")
    started = time.monotonic()
    try:
        proc = subprocess.run([scim2, "test", "--verbose"], env=env, capture_output=True, text=True,
                              timeout=timeout_s, check=False)
        output, code = proc.stdout + proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as e:
        output, code = f"{e.stdout or ''}{e.stderr or ''}\n(timed out after {timeout_s} s)", -1
    except OSError as e:
        output, code = f"cannot run {scim2}: {e}", -1
    output = redact(output, token)
    with open(os.path.join(out_dir, "scim2-tester.txt"), "w", encoding="utf-8") as f:
        f.write(output)
    checks = []
    lines = output.splitlines()
    for i, line in enumerate(lines):
        m = SCIM2_LINE.match(line)
        if not m:
            continue
        status, title = m.groups()
        # The reason (and with --verbose, the data) follow, indented, on the next lines.
        detail = []
        for follow in lines[i + 1:i + 3]:
            if follow.startswith("  ") and not SCIM2_LINE.match(follow):
                detail.append(follow.strip())
            else:
                break
        outcome = "pass" if status in SCIM2_TESTER_OK else "warn" if status in SCIM2_TESTER_WARN else "fail"
        checks.append({"check": title, "status": status, "outcome": outcome, "detail": " | ".join(detail)[:2000]})
    if not checks:
        checks.append({"check": "scim2 test", "status": "ERROR", "outcome": "fail",
                       "detail": f"exit {code}, no check ran: {output.strip()[-1500:]}"})
    return {"tool": "scim2-tester (scim2 test)", "exit_code": code, "seconds": round(time.monotonic() - started, 1),
            "checks": checks}


def run_scim_sanity(base, token, out_dir, timeout_s, strict):
    """scim-sanity's probe, called in-process so that the token is not an argument."""
    from scim_sanity.probe.runner import run_probe  # imported late: only this part needs it

    started = time.monotonic()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        try:
            code = run_probe(base, token=token, json_output=True, strict=strict, accept_side_effects=True,
                             timeout=timeout_s)
        except Exception as e:  # the probe crashing is a finding, not a harness error
            print(json.dumps({"crash": f"{type(e).__name__}: {e}"}))
            code = -1
    output = redact(buf.getvalue(), token)
    mode = "strict" if strict else "compat"
    with open(os.path.join(out_dir, f"scim-sanity-{mode}.json"), "w", encoding="utf-8") as f:
        f.write(output)
    checks = []
    try:
        report = json.loads(output[output.index("{"):])
    except ValueError:
        report = {}
    for r in report.get("results", []):
        status = str(r.get("status", "")).lower()
        outcome = {"pass": "pass", "passed": "pass", "skip": "warn", "skipped": "warn", "warn": "warn",
                   "warning": "warn"}.get(status, "fail")
        name = " / ".join(str(r.get(k)) for k in ("phase", "name") if r.get(k))
        detail = r.get("message") or r.get("detail") or ""
        checks.append({"check": name, "status": status.upper(), "outcome": outcome, "detail": str(detail)[:2000]})
    if not checks:
        checks.append({"check": "scim-sanity probe", "status": "ERROR", "outcome": "fail",
                       "detail": f"exit {code}, no result: {output.strip()[-1500:]}"})
    return {"tool": f"scim-sanity probe ({mode})", "exit_code": code,
            "seconds": round(time.monotonic() - started, 1), "checks": checks}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the sandbox's base URL (without /scim/v2)")
    parser.add_argument("--token-file", required=True, help="file holding the administrator's access token")
    parser.add_argument("--out-dir", required=True, help="directory for each tool's full output and summary.json")
    parser.add_argument("--tool", choices=["scim2-tester", "scim-sanity", "all"], default="all")
    parser.add_argument("--timeout", type=int, default=300, help="seconds each tool may take (default 300)")
    args = parser.parse_args()
    try:
        with open(args.token_file, encoding="utf-8") as f:
            token = f.read().strip()
    except OSError as e:
        sys.exit(f"error: cannot read the token file {args.token_file}: {e}. Create it with compat/get_token.py.")
    if not token:
        sys.exit(f"error: {args.token_file} is empty. Create it with compat/get_token.py.")
    os.makedirs(args.out_dir, exist_ok=True)
    base = args.url.rstrip("/") + "/scim/v2"
    runs = []
    if args.tool in ("scim2-tester", "all"):
        runs.append(run_scim2_tester(base, token, args.out_dir, args.timeout))
    if args.tool in ("scim-sanity", "all"):
        runs.append(run_scim_sanity(base, token, args.out_dir, args.timeout, strict=True))
    failed = 0
    for run in runs:
        counts = {o: sum(c["outcome"] == o for c in run["checks"]) for o in ("pass", "warn", "fail")}
        failed += counts["fail"]
        print(f"== {run['tool']}: {counts['pass']} passed, {counts['fail']} failed, {counts['warn']} warnings "
              f"(exit {run['exit_code']}, {run['seconds']} s)")
        for c in run["checks"]:
            mark = {"pass": "PASS", "warn": "WARN", "fail": "FAIL"}[c["outcome"]]
            line = f"{mark} [{c['status']}] {c['check']}"
            if c["outcome"] != "pass" and c["detail"]:
                line += f"\n    {c['detail']}"
            print(line)
    with open(os.path.join(args.out_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(runs, f, indent=2)
    total_pass = sum(c["outcome"] == "pass" for r in runs for c in r["checks"])
    print(f"scim: {total_pass} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
