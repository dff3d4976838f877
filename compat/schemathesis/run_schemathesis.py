#!/usr/bin/env python3
"""Fuzzes every operation of RingCentral's OpenAPI spec against a sandbox with schemathesis, bounded
in examples per operation and in time, and summarizes the failures per operation.

The spec is the copy vendored in the repository (default `spec/rc-public-openapi.yml` in the
repository root). The bearer token is read from `--token-file` and handed to
schemathesis through the environment (see schemathesis.toml), so it appears in no command line.

Checks: `not_a_server_error` (no 5xx), `response_schema_conformance` (bodies match the spec's
response schema), `status_code_conformance` (the status is one the spec documents) and
`content_type_conformance` (the content type is one the spec documents), `positive_data_acceptance`
(a request valid by the spec is not refused) and `negative_data_rejection` (a request the spec forbids
is refused). The first two fail the run; the others are reported as advisories (RingCentral's spec leaves many error statuses undocumented,
and real RingCentral sends them too) unless `--fail-on-advisories` is given. A crash inside schemathesis
itself is listed as a tool error, not held against the sandbox. A failure listed in
DOCUMENTED_EXCEPTIONS (one, where the spec contradicts itself) is reported with its reason and does
not fail the run; any other failure of the same operation still does.
"""

import argparse
import collections
import json
import os
import re
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SPEC_IN_REPO = os.path.join(REPO, "spec", "rc-public-openapi.yml")


def default_spec():
    """The spec vendored in the repository."""
    return SPEC_IN_REPO


DEFAULT_SPEC = default_spec()
STRICT_CHECKS = ["not_a_server_error", "response_schema_conformance"]
ADVISORY_CHECKS = ["status_code_conformance", "content_type_conformance", "positive_data_acceptance",
                   "negative_data_rejection"]
# Schemathesis failure codes by check, as printed in its reports (`st explain CODE`).
CODE_NAMES = {
    "ST101": "server error (5xx)",
    "ST102": "5xx for an undeclared request content type",
    "ST103": "undocumented status code",
    "ST104": "no Content-Type though the spec documents one",
    "ST105": "undocumented Content-Type",
    "ST106": "malformed Content-Type",
    "ST107": "required response header missing",
    "ST108": "response violates the documented schema",
    "ST109": "body is not valid JSON",
    "ST110": "body unreadable for its Content-Type",
    "ST111": "unknown discriminator value",
    "ST201": "schema-violating request accepted",
    "ST202": "schema-valid request rejected",
}
STRICT_CODES = {"ST101", "ST102", "ST108", "ST109", "ST110", "ST111"}
# Failures no answer can avoid because the spec contradicts itself, by operation: the check, what
# its report must mention (every other failure of the operation still counts), and why.
DOCUMENTED_EXCEPTIONS = {
    "GET /ai/ringsense/v1/public/accounts/{accountId}/domains/{domain}/sessions/{sourceSessionId}/insights": {
        "code": "ST108",
        "mentions": "sortableFields",
        "reason": "getSessionInsights answers paging as RSPagingModel, which is EnumeratedPagingModel "
                  "(additionalProperties: false) plus a required sortableFields: no paging object "
                  "satisfies both, so every answer breaks one of them",
    },
}


def documented_exception(name, record):
    """The reason a failure is a documented exception, or None."""
    exception = DOCUMENTED_EXCEPTIONS.get(name)
    if not exception or record["code"] != exception["code"]:
        return None
    text = " ".join(str(record.get(k) or "") for k in ("title", "detail", "body"))
    return exception["reason"] if exception["mentions"] in text else None
CODE_RE = re.compile(r"\bST\d{3}\b")
TITLE_RE = re.compile(r"^- (ST\d{3}) (.+)$")
STATUS_RE = re.compile(r"^\[(\d{3})\] (.*)$")


def parse_junit(path):
    """Per operation: the failure codes and, per code, the first status line, message and curl line."""
    ops = {}
    tree = ET.parse(path)
    for case in tree.iter("testcase"):
        name = case.get("name", "?")
        entry = ops.setdefault(name, {"failures": [], "errors": []})
        for tag in ("failure", "error"):
            for node in case.findall(tag):
                text = node.text or ""
                entry["failures" if tag == "failure" else "errors"].append(summarize_case_text(text, node.get("message", "")))
    return ops


CASE_RE = re.compile(r"^\d+\. Test Case ID: (\S+)")


def summarize_case_text(text, message):
    """Splits schemathesis's text for one operation into one record per failing check of each test case.

    A test case block reads: `N. Test Case ID: X`, then `- STxxx Title` headers each followed by indented
    detail lines, then `[status] Reason:` with the body in backticks, then `Reproduce with:` and a curl line.
    The status, body and curl line belong to every check of the block."""
    records, block = [], []
    current = None
    state = None
    lines = text.splitlines()
    for i, raw in enumerate(lines):
        line = raw.strip()
        if CASE_RE.match(line):
            block, current, state = [], None, "checks"
            continue
        m = TITLE_RE.match(line)
        if m and state == "checks":
            current = {"code": m.group(1), "title": m.group(2), "detail": [], "status": None, "body": None,
                       "curl": None}
            records.append(current)
            block.append(current)
            continue
        sm = STATUS_RE.match(line)
        if sm and block and state == "checks":
            state = "response"
            body = next((f.strip().strip("`") for f in lines[i + 1:i + 4] if f.strip()), "")
            for r in block:
                r["status"], r["body"] = int(sm.group(1)), body[:600]
            continue
        if line.startswith("curl ") and block:
            for r in block:
                r["curl"] = line[:1500]
            state = None
            continue
        if state == "checks" and current is not None and line:
            current["detail"].append(line)
    if not records:
        codes = CODE_RE.findall(message) or ["?"]
        records = [{"code": c, "title": message, "detail": [text.strip()[:600]], "status": None, "body": None,
                    "curl": None} for c in codes]
    for r in records:
        r["detail"] = " ".join(r["detail"])[:800]
    return records


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the sandbox's base URL")
    parser.add_argument("--token-file", required=True, help="file holding an access token")
    parser.add_argument("--spec", default=DEFAULT_SPEC, help=f"the OpenAPI spec (default {DEFAULT_SPEC})")
    parser.add_argument("--out-dir", required=True, help="directory for schemathesis's reports and summary")
    parser.add_argument("--max-examples", type=int, default=3, help="test cases per operation and phase (default 3)")
    parser.add_argument("--timeout", type=int, default=900,
                        help="stop schemathesis after this many seconds (default 900); reports then cover what ran")
    parser.add_argument("--phases", default="examples,fuzzing",
                        help="schemathesis phases (default examples,fuzzing; add coverage for many more cases)")
    parser.add_argument("--workers", default="2", help="concurrent workers (default 2)")
    parser.add_argument("--include-path-regex", help="only operations whose path matches (for quick runs)")
    parser.add_argument("--fail-on-advisories", action="store_true",
                        help="also fail on undocumented status codes and content types")
    args = parser.parse_args()

    if not os.path.isfile(args.spec):
        sys.exit(f"error: the spec {args.spec} does not exist. Pass --spec PATH to RingCentral's OpenAPI spec.")
    try:
        with open(args.token_file, encoding="utf-8") as f:
            token = f.read().strip()
    except OSError as e:
        sys.exit(f"error: cannot read {args.token_file}: {e}. Create it with compat/get_token.py.")
    args.out_dir = os.path.abspath(args.out_dir)
    args.spec = os.path.abspath(args.spec)
    os.makedirs(args.out_dir, exist_ok=True)
    st = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    junit = os.path.join(args.out_dir, "junit.xml")
    report = os.path.join(args.out_dir, "report.json")
    cmd = [
        st, "--config-file", os.path.join(HERE, "schemathesis.toml"), "run", args.spec,
        "--url", args.url.rstrip("/"),
        "--checks", ",".join(STRICT_CHECKS + ADVISORY_CHECKS),
        "--phases", args.phases,
        "--max-examples", str(args.max_examples),
        "--workers", args.workers,
        "--request-timeout", "10",
        "--no-shrink",
        "--continue-on-failure",
        "--report", "junit,json",
        "--report-junit-path", junit,
        "--report-json-path", report,
    ]
    if args.include_path_regex:
        cmd += ["--include-path-regex", args.include_path_regex]
    env = dict(os.environ, RC_ACCESS_TOKEN=token, NO_COLOR="1")
    started = time.monotonic()
    with open(os.path.join(args.out_dir, "schemathesis.log"), "w", encoding="utf-8") as log:
        # Not schemathesis's --max-time: with it, fuzzing repeats until the whole budget is spent. An
        # interrupt makes schemathesis stop and still write its reports for what ran.
        # Run inside the output directory: schemathesis keeps a `.schemathesis` cache in its working directory.
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=args.out_dir)
        try:
            code = proc.wait(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
            try:
                code = proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = proc.wait()
            log.write(f"\n(interrupted after {args.timeout} s)\n")
    elapsed = time.monotonic() - started
    if not os.path.exists(junit):
        with open(os.path.join(args.out_dir, "schemathesis.log"), encoding="utf-8") as f:
            tail = f.read()[-2000:]
        sys.exit(f"error: schemathesis produced no report (exit {code}):\n{tail}")

    ops = parse_junit(junit)
    try:
        with open(report, encoding="utf-8") as f:
            overall = json.load(f)
    except (OSError, ValueError):
        overall = {}
    by_code = collections.Counter()
    failing_ops, tool_errors, exceptions = {}, {}, {}
    strict_failures = 0
    for name, entry in sorted(ops.items(), key=lambda kv: kv[0].split(" ", 1)[::-1]):
        if entry["errors"]:
            tool_errors[name] = [r for group in entry["errors"] for r in group]
        recs = [r for group in entry["failures"] for r in group]
        kept = []
        for r in recs:
            reason = documented_exception(name, r)
            if reason:
                exceptions.setdefault(name, {"code": r["code"], "reason": reason, "example": r})
            else:
                kept.append(r)
        recs = kept
        if not recs:
            continue
        seen = {}
        for r in recs:
            seen.setdefault(r["code"], r)
        failing_ops[name] = list(seen.values())
        for c in seen:
            by_code[c] += 1
        if args.fail_on_advisories or any(c in STRICT_CODES for c in seen):
            strict_failures += 1

    tested = overall.get("operations", {}).get("tested", len(ops))
    auth_warn = overall.get("warnings", {}).get("missing_auth") or []
    summary = {
        "spec": args.spec,
        "url": args.url,
        "seconds": round(elapsed, 1),
        "exit_code": code,
        "stop_reason": overall.get("stop_reason"),
        "operations_tested": tested,
        "operations_failing": len(failing_ops),
        "failures_by_code": {c: {"operations": n, "meaning": CODE_NAMES.get(c, "")} for c, n in by_code.most_common()},
        "operations": {k: v for k, v in failing_ops.items()},
        "tool_errors": tool_errors,
        "documented_exceptions": exceptions,
        "auth_warnings": auth_warn,
    }
    with open(os.path.join(args.out_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)

    lines = [f"schemathesis: {tested} operations tested in {elapsed:.0f} s (stop: {overall.get('stop_reason')}); "
             f"{len(failing_ops)} with findings, {strict_failures} failing"]
    for c, n in by_code.most_common():
        kind = "failure" if c in STRICT_CODES or args.fail_on_advisories else "advisory"
        lines.append(f"  {c} {CODE_NAMES.get(c, '')} ({kind}): {n} operations")
    if auth_warn:
        lines.append(f"  operations that only got 401/403: {len(auth_warn)}")
    for name, recs in tool_errors.items():
        lines.append(f"TOOL-ERROR {name}: {recs[0]['title'][:200]}")
    for name, e in exceptions.items():
        lines.append(f"EXCEPTION {name}: {e['code']} documented: {e['reason']}")
    for name, recs in failing_ops.items():
        strict = args.fail_on_advisories or any(r["code"] in STRICT_CODES for r in recs)
        lines.append(f"{'FAIL' if strict else 'NOTE'} {name}")
        for r in recs:
            status = f" [{r['status']}]" if r["status"] else ""
            what = r["detail"] or r["body"] or ""
            lines.append(f"    {r['code']} {r['title']}{status}: {what[:300]}")
            if r["detail"] and r["body"]:
                lines.append(f"        body: {r['body'][:300]}")
            if r["curl"]:
                lines.append(f"        {r['curl'][:400]}")
    with open(os.path.join(args.out_dir, "summary.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    passed = max(tested - strict_failures - len(exceptions), 0)
    noted = f", {len(exceptions)} documented exception" + ("s" if len(exceptions) != 1 else "") if exceptions else ""
    print(f"schemathesis: {passed} passed{noted}, {strict_failures} failed")
    sys.exit(1 if strict_failures else 0)


if __name__ == "__main__":
    main()
