#!/usr/bin/env python3
"""Flows of the official Python MCP SDK (`mcp` 2.x) against `ringctl mcp` on stdio.

The SDK starts `ringctl mcp` as a child process, the way an agent host does, and each flow drives
it as an agent would: the handshake, tools/list, the action tools, errors and the read-only mode.
Each flow prints one PASS/FAIL line; the process exits 1 when any flow failed, 2 on bad usage.

The server runs against the embedded sandbox of a private RINGCTL_HOME (`--home`, a new temporary
directory by default), so nothing reaches RingCentral.
"""

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import traceback

try:
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client
except ImportError:  # pragma: no cover - reported to the user
    print("error: the `mcp` package is not installed. Run `compat/run.sh setup`.", file=sys.stderr)
    sys.exit(2)

# How long one flow may take, start-up of the server included.
FLOW_TIMEOUT_S = 60
TOOLS = {"search_actions", "describe_action", "run_action", "request", "list_users", "user_impact",
         "suspend_user", "reactivate_user", "deprovision_user"}
LIFECYCLE_WRITES = {"suspend_user", "reactivate_user", "deprovision_user"}


class FlowFailure(Exception):
    """An expectation the server did not meet."""


def check(cond, message):
    if not cond:
        raise FlowFailure(message)


def field(obj, *names):
    """A result's attribute by its Python or its wire name (the SDK's models have used both)."""
    for name in names:
        if hasattr(obj, name):
            return getattr(obj, name)
    raise FlowFailure(f"{type(obj).__name__} has none of {names}")


def text_of(result):
    content = field(result, "content")
    check(content and field(content[0], "type") == "text", f"a text content, got {content!r}")
    return field(content[0], "text")


def is_error(result):
    return bool(field(result, "is_error", "isError"))


async def call_json(session, name, arguments):
    result = await session.call_tool(name, arguments)
    text = text_of(result)
    check(not is_error(result), f"{name} failed: {text}")
    try:
        return json.loads(text)
    except ValueError as e:
        raise FlowFailure(f"{name} gave no JSON ({e}): {text[:200]}")


async def refused(session, name, arguments):
    """Calls a tool that must be refused with a JSON-RPC error; returns the error's message."""
    try:
        result = await session.call_tool(name, arguments)
    except Exception as e:  # the SDK raises its MCPError (or a subclass) for a JSON-RPC error
        error = getattr(e, "error", None)
        code = getattr(error, "code", None) if error is not None else getattr(e, "code", None)
        message = getattr(error, "message", None) if error is not None else str(e)
        check(code is not None and code < 0, f"{name}: a JSON-RPC error code, got {code!r} ({e!r})")
        return str(message)
    raise FlowFailure(f"{name} was not refused: {text_of(result)[:200]}")


# --- flows -----------------------------------------------------------------------------------------

async def flow_handshake(session, init):
    info = field(init, "server_info", "serverInfo")
    check(field(info, "name") == "ringctl", f"serverInfo.name is ringctl, got {info!r}")
    instructions = field(init, "instructions") or ""
    check("embedded sandbox" in instructions, f"the instructions name the embedded sandbox: {instructions!r}")
    caps = field(init, "capabilities")
    check(field(caps, "tools") is not None, "the server declares tools")
    version = field(init, "protocol_version", "protocolVersion")
    return f"protocol {version}"


async def flow_tools(session, init):
    listed = await session.list_tools()
    tools = {field(t, "name"): t for t in field(listed, "tools")}
    check(TOOLS <= set(tools), f"every tool is listed: {sorted(tools)}")
    for name, tool in tools.items():
        schema = field(tool, "input_schema", "inputSchema")
        check(schema.get("type") == "object", f"{name}: an object input schema")
        check(len(field(tool, "description") or "") > 40, f"{name}: a description a model can use")
    return f"{len(tools)} tools"


async def flow_search_describe_run(session, init):
    found = await call_json(session, "search_actions", {"query": "send an sms", "limit": 5})
    keys = [h["key"] for h in found["hits"]]
    check("send-sms" in keys, f"send-sms is found: {keys}")
    described = await call_json(session, "describe_action", {"key": "readExtension"})
    check(described["method"] == "GET" and "inputSchema" in described, "describe gives method and schema")
    me = await call_json(session, "run_action", {"key": "readExtension", "input": described["exampleInput"]})
    check(isinstance(me.get("id"), int), f"the example input runs: {str(me)[:200]}")
    return f"hits {keys[:3]}"


async def flow_paging_cursor(session, init):
    first = await call_json(session, "run_action",
                            {"key": "listExtensions", "allPages": True, "fields": ["id"], "maxRecords": 2})
    check(len(first["records"]) == 2 and first["complete"] is False, f"two records and more: {first}")
    check(all(set(r) == {"id"} for r in first["records"]), "only the named field is kept")
    second = await call_json(session, "run_action", {"key": "listExtensions", "cursor": first["nextCursor"]})
    whole = await call_json(session, "run_action",
                            {"key": "listExtensions", "allPages": True, "fields": ["id"], "maxRecords": 1000})
    ids = [r["id"] for r in first["records"] + second["records"]]
    check(ids == [r["id"] for r in whole["records"]][:4], "the cursor continues where the first call stopped")
    return f"{len(whole['records'])} extensions"


async def flow_tool_errors(session, init):
    result = await session.call_tool("run_action", {"key": "send-sms", "input": {"text": 5}})
    text = text_of(result)
    check(is_error(result), f"a bad input is a tool error: {text}")
    check("does not fit the schema" in text and "/text" in text, f"the violations are listed: {text}")
    result = await session.call_tool("run_action", {"key": "noSuchAction"})
    check(is_error(result) and "unknown action" in text_of(result), "an unknown action is a tool error")
    result = await session.call_tool("request", {"method": "GET", "path": "/restapi/v1.0/account/~/extension/1"})
    check(is_error(result) and "404" in text_of(result), "an API error is a tool error")
    message = await refused(session, "no_such_tool", {})
    check("no_such_tool" in message, f"the unknown tool is named: {message}")
    still = await call_json(session, "search_actions", {"query": "list call queues"})
    check(still["hits"], "the server carries on")
    return "isError for tools, JSON-RPC for protocol"


async def flow_confirm(session, init):
    users = await call_json(session, "list_users", {"status": "active", "limit": 50})
    email = next(u["email"] for u in users["users"] if not u["email"].startswith("admin@"))
    planned = await call_json(session, "deprovision_user", {"email": email})
    check(planned["confirmed"] is False and planned["plan"], f"a plan first: {planned}")
    again = await call_json(session, "user_impact", {"email": email})
    check(again["user"]["email"] == email, "nothing was deleted without confirm")
    return f"{len(planned['plan'])} planned steps"


async def flow_read_only(session, init):
    listed = await session.list_tools()
    names = {field(t, "name") for t in field(listed, "tools")}
    check(not (names & LIFECYCLE_WRITES), f"no writing user tool is offered: {sorted(names)}")
    message = await refused(session, "run_action", {"key": "send-sms", "input": {
        "from": {"phoneNumber": "+14155550100"}, "to": [{"phoneNumber": "+14155550101"}], "text": "hi"}})
    check("read-only" in message, f"the refusal says read-only: {message}")
    me = await call_json(session, "run_action", {"key": "readExtension"})
    check(isinstance(me.get("id"), int), "reads still run")
    return "writes refused"


FLOWS = [
    ("handshake", [], flow_handshake),
    ("tools", [], flow_tools),
    ("search-describe-run", [], flow_search_describe_run),
    ("paging-cursor", [], flow_paging_cursor),
    ("tool-errors", [], flow_tool_errors),
    ("confirm", [], flow_confirm),
    ("read-only", ["--read-only"], flow_read_only),
]


async def run_flow(ringctl, home, args, flow):
    env = dict(os.environ, RINGCTL_HOME=home, NO_COLOR="1")
    for name in ("RC_SERVER_URL", "RC_CLIENT_ID", "RC_CLIENT_SECRET", "RC_JWT", "RINGCTL_CONNECTION"):
        env.pop(name, None)
    params = StdioServerParameters(command=ringctl, args=["mcp", *args], env=env)
    with open(os.path.join(home, "mcp-server.log"), "a") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                return await flow(session, init)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ringctl", required=True, help="the ringctl binary")
    parser.add_argument("--home", help="RINGCTL_HOME for the server (default: a new temporary directory)")
    parser.add_argument("--only", action="append", help="run only this flow (repeatable)")
    parser.add_argument("--report", help="write a JSON report of every flow to this file")
    opts = parser.parse_args()
    if not os.access(opts.ringctl, os.X_OK):
        print(f"error: {opts.ringctl} is not an executable", file=sys.stderr)
        return 2
    home = opts.home or tempfile.mkdtemp(prefix="ringctl-mcp-compat-")
    os.makedirs(home, exist_ok=True)
    report, failed = [], 0
    for name, args, flow in FLOWS:
        if opts.only and name not in opts.only:
            continue
        started = time.monotonic()
        try:
            detail = asyncio.run(asyncio.wait_for(run_flow(opts.ringctl, home, args, flow), FLOW_TIMEOUT_S))
            outcome = "PASS"
        except Exception as e:  # every failure is reported, none stops the other flows
            outcome, failed = "FAIL", failed + 1
            detail = f"{type(e).__name__}: {e}"
            if not isinstance(e, FlowFailure):
                detail += "\n" + traceback.format_exc(limit=4)
        elapsed = time.monotonic() - started
        print(f"{outcome} mcp/{name} ({elapsed:.1f}s): {detail}", flush=True)
        report.append({"flow": name, "outcome": outcome, "detail": detail, "seconds": round(elapsed, 2)})
    if opts.report:
        with open(opts.report, "w") as f:
            json.dump(report, f, indent=2)
    print(f"mcp: {len(report) - failed} passed, {failed} failed (server log: {home}/mcp-server.log)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
