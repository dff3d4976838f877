#!/usr/bin/env python3
"""Flows of RingCentral's official Python SDK (`ringcentral` 0.9.x) against a ringctl sandbox.

Each flow drives the SDK the way an application would, asserts what the application would rely on,
and prints one PASS/FAIL/SKIP line; a failure also prints the last request and response it saw.
The process exits 1 when any flow failed, 2 on bad usage.

Credentials come from the environment (RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET, RC_JWT, the
names RingCentral's quick starts use) or from `--sandbox-json FILE`, a file holding the first stdout
line of `ringctl sandbox serve`.
"""

import argparse
import json
import os
import re
import sys
import time
import traceback
import uuid

try:
    from ringcentral import SDK
    from ringcentral.http.api_exception import ApiException
except ImportError:  # pragma: no cover - reported to the user
    print("error: the `ringcentral` package is not installed. Run `pip install -r compat/python/requirements.txt`.",
          file=sys.stderr)
    sys.exit(2)

# Longest access-token lifetime for which the expiry-driven refresh flow waits for the token to lapse.
MAX_WAIT_TTL_S = 30
# Upper bound on pages walked while following navigation.nextPage.
MAX_PAGES = 200
SCIM_JSON = "application/scim+json"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User"
SCIM_LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"

_SECRET_PATTERNS = [
    re.compile(r"(?i)(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)(\"?(?:access_token|refresh_token|assertion|token|client_secret|jwt)\"?\s*[:=]\s*\"?)[^\"&\s,}]+"),
]


def redact(text):
    """Hides bearer/basic credentials and token values; the SDK's own error text includes them."""
    text = str(text)
    text = _SECRET_PATTERNS[0].sub(lambda m: m.group(1) + " ***", text)
    return _SECRET_PATTERNS[1].sub(lambda m: m.group(1) + "***", text)


class FlowFailure(Exception):
    """A flow's expectation that the sandbox did not meet."""


class Recorder:
    """Keeps the last exchange so that a failure can show what was sent and what came back."""

    def __init__(self):
        self.last = None

    def note(self, method, url, body, status, response_body, headers=None):
        self.last = {
            "request": f"{method} {url}" + (f" body={json.dumps(body)}" if body is not None else ""),
            "status": status,
            "response": response_body if isinstance(response_body, str) else json.dumps(response_body),
            "headers": dict(headers or {}),
        }

    def describe(self):
        if not self.last:
            return "no request recorded"
        body = self.last["response"]
        if len(body) > 1500:
            body = body[:1500] + "...(truncated)"
        ctype = self.last["headers"].get("Content-Type", self.last["headers"].get("content-type", ""))
        return redact(f"request: {self.last['request']}\n    response: {self.last['status']} "
                      f"(Content-Type: {ctype}) {body}")


class Session:
    """One SDK instance plus helpers that call it and record each exchange."""

    def __init__(self, creds, rec):
        self.creds = creds
        self.rec = rec
        self.sdk = SDK(creds["clientId"], creds["clientSecret"], creds["url"], "ringctl-compat", "1.0.0")
        self.platform = self.sdk.platform()

    def login(self):
        try:
            resp = self.platform.login(jwt=self.creds["jwt"])
        except ApiException as e:
            self._record_error("POST", "/restapi/oauth/token", {"grant_type": "jwt-bearer"}, e)
            raise FlowFailure(f"JWT login failed: {redact(e)}") from None
        data = resp.json_dict()
        self.rec.note("POST", "/restapi/oauth/token", {"grant_type": "jwt-bearer"}, resp.response().status_code,
                      {k: ("***" if "token" in k and isinstance(v, str) else v) for k, v in data.items()},
                      resp.response().headers)
        return data

    def call(self, method, url, body=None, query=None, expect=None):
        """Sends through the SDK; returns (status, parsed body, raw response). `expect` is the wanted status:
        a different one fails the flow (an SDK exception for >= 400 is caught and examined)."""
        fn = getattr(self.platform, method.lower())
        try:
            if method in ("GET",):
                resp = fn(url, query_params=query)
            elif method == "DELETE":
                resp = fn(url, query_params=query)
            else:
                resp = fn(url, body=body, query_params=query)
            raw = resp.response()
        except ApiException as e:
            raw = e.api_response().response() if e.api_response() else None
            if raw is None:
                raise FlowFailure(f"{method} {url}: no HTTP response: {redact(e)}") from None
        parsed = parse_body(raw)
        self.rec.note(method, raw.url if raw is not None else url, body, raw.status_code, raw.text, raw.headers)
        if expect is not None and raw.status_code != expect:
            raise FlowFailure(f"{method} {url}: expected HTTP {expect}, got {raw.status_code}")
        return raw.status_code, parsed, raw

    def _record_error(self, method, url, body, exc):
        raw = exc.api_response().response() if exc.api_response() else None
        if raw is not None:
            self.rec.note(method, raw.url, body, raw.status_code, raw.text, raw.headers)


def parse_body(raw):
    if raw is None or not raw.content:
        return None
    try:
        return raw.json()
    except ValueError:
        return raw.text


def check(cond, message):
    if not cond:
        raise FlowFailure(message)


def get_path(obj, *keys):
    for k in keys:
        if isinstance(obj, dict):
            obj = obj.get(k)
        elif isinstance(obj, list) and isinstance(k, int) and k < len(obj):
            obj = obj[k]
        else:
            return None
    return obj


def check_rc_error(body, status, allowed_codes, what):
    """RingCentral error body: legacy top-level errorCode/message beside errors[] (WIRE.md)."""
    check(isinstance(body, dict), f"{what}: error body is not a JSON object: {body!r}")
    errors = body.get("errors")
    check(isinstance(errors, list) and errors, f"{what}: error body has no errors[]: {body}")
    codes = {e.get("errorCode") for e in errors if isinstance(e, dict)} | {body.get("errorCode")}
    check(codes & set(allowed_codes), f"{what}: expected errorCode in {sorted(allowed_codes)}, got {sorted(c for c in codes if c)}")
    check(isinstance(get_path(errors, 0, "message"), str), f"{what}: errors[0].message missing")


# ---------------------------------------------------------------------------------------------------------------
# Flows


def flow_login(ctx):
    s = Session(ctx.creds, ctx.rec)
    data = s.login()
    for field in ("access_token", "refresh_token", "token_type", "expires_in", "refresh_token_expires_in",
                  "owner_id", "scope"):
        check(field in data, f"token response lacks `{field}`")
    check(str(data["token_type"]).lower() == "bearer", f"token_type is {data['token_type']!r}, expected bearer")
    check(isinstance(data["expires_in"], int), f"expires_in is {type(data['expires_in']).__name__}, expected a number")
    check(isinstance(data["owner_id"], str), f"owner_id is {type(data['owner_id']).__name__}, expected a string")
    if ctx.expect_ttl is not None:
        # RingCentral states the full lifetime (3600), not the time left after issuing.
        check(data["expires_in"] == ctx.expect_ttl,
              f"expires_in is {data['expires_in']}, expected the configured {ctx.expect_ttl}")
    if "refresh_token_expires_in" in data:
        check(data["refresh_token_expires_in"] == 604800,
              f"refresh_token_expires_in is {data['refresh_token_expires_in']}, expected 604800 for a JWT grant")
    check(s.platform.logged_in(), "SDK does not consider itself logged in")
    ctx.session = s
    ctx.owner_id = data["owner_id"]
    ctx.expires_in = data["expires_in"]
    return f"owner {data['owner_id']}, expires_in {data['expires_in']} s"


def flow_current_extension(ctx):
    s = ctx.logged_in()
    _, ext, raw = s.call("GET", "/restapi/v1.0/account/~/extension/~", expect=200)
    check("application/json" in raw.headers.get("Content-Type", ""), "content type is not application/json")
    check(raw.headers.get("RCRequestId"), "RCRequestId header missing")
    check(str(ext.get("id")) == str(ctx.owner_id), f"extension id {ext.get('id')} != token owner {ctx.owner_id}")
    for field in ("extensionNumber", "name", "status", "type", "contact", "account"):
        check(field in ext, f"extension lacks `{field}`")
    check(ext["type"] == "User", f"admin extension type is {ext['type']!r}")
    # The SDK's own path handling: a short path gets /restapi/v1.0 prepended.
    _, ext2, _ = s.call("GET", "/account/~/extension/~", expect=200)
    check(ext2.get("id") == ext.get("id"), "short-path read returned a different extension")
    _, acct, _ = s.call("GET", "/restapi/v1.0/account/~", expect=200)
    check(get_path(ext, "account", "id") in (None, str(acct.get("id")), acct.get("id")),
          "extension.account.id differs from the account's id")
    return f"{ext.get('extensionNumber')} {ext.get('name')} ({ext.get('status')})"


def flow_paging(ctx):
    s = ctx.logged_in()
    per_page = 7
    url = "/restapi/v1.0/account/~/extension"
    _, first, _ = s.call("GET", url, query={"perPage": per_page, "page": 1}, expect=200)
    total = get_path(first, "paging", "totalElements")
    pages, seen, body = 0, [], first
    expected_page = 1
    while True:
        pages += 1
        check(pages <= MAX_PAGES, f"more than {MAX_PAGES} pages")
        records = body.get("records")
        check(isinstance(records, list), f"page {pages} has no records[]")
        paging = body.get("paging") or {}
        check(paging.get("page") == expected_page, f"page {pages}: paging.page is {paging.get('page')}, expected {expected_page}")
        check(paging.get("perPage") == per_page, f"page {pages}: paging.perPage is {paging.get('perPage')}")
        check(len(records) <= per_page, f"page {pages}: {len(records)} records exceed perPage {per_page}")
        if records:
            check(paging.get("pageStart") == (expected_page - 1) * per_page,
                  f"page {pages}: pageStart {paging.get('pageStart')}, expected {(expected_page - 1) * per_page}")
            check(paging.get("pageEnd") == paging.get("pageStart", 0) + len(records) - 1,
                  f"page {pages}: pageEnd {paging.get('pageEnd')} does not match {len(records)} records")
        seen.extend(r.get("id") for r in records)
        nav = body.get("navigation") or {}
        next_uri = get_path(nav, "nextPage", "uri")
        if not next_uri:
            break
        check(next_uri.startswith(ctx.creds["url"]), f"nextPage.uri {next_uri} is not an absolute URL on {ctx.creds['url']}")
        expected_page += 1
        _, body, _ = s.call("GET", next_uri, expect=200)
    check(pages >= 3, f"only {pages} page(s) at perPage={per_page}; the seeded company should need several")
    check(len(seen) == len(set(seen)), "an extension appeared on two pages")
    if total is not None:
        check(len(seen) == total, f"walked {len(seen)} records, paging.totalElements says {total}")
    # The last page has no nextPage but names the first page.
    check(get_path(body, "navigation", "firstPage", "uri"), "last page lacks navigation.firstPage")
    return f"{len(seen)} extensions over {pages} pages"


def flow_sms(ctx):
    s = ctx.logged_in()
    _, numbers, _ = s.call("GET", "/restapi/v1.0/account/~/extension/~/phone-number", query={"perPage": 100},
                           expect=200)
    records = numbers.get("records") or []
    senders = [r for r in records if "SmsSender" in (r.get("features") or [])]
    check(senders, f"none of the admin's {len(records)} numbers has the SmsSender feature")
    sender = senders[0]["phoneNumber"]
    to = "+16505550123"
    text = f"compat {uuid.uuid4().hex[:8]}"
    body = {"from": {"phoneNumber": sender}, "to": [{"phoneNumber": to}], "text": text}
    _, msg, _ = s.call("POST", "/restapi/v1.0/account/~/extension/~/sms", body=body, expect=200)
    check(msg.get("type") == "SMS", f"message type {msg.get('type')!r}")
    check(msg.get("direction") == "Outbound", f"direction {msg.get('direction')!r}")
    check(get_path(msg, "from", "phoneNumber") == sender, "from.phoneNumber differs from the sender")
    check(get_path(msg, "to", 0, "phoneNumber") == to, "to[0].phoneNumber differs from the recipient")
    check(msg.get("subject") == text, f"subject {msg.get('subject')!r}, expected the text")
    check(msg.get("messageStatus") in ("Queued", "Sent", "Delivered"), f"messageStatus {msg.get('messageStatus')!r}")
    check(msg.get("id"), "message has no id")
    _, again, _ = s.call("GET", f"/restapi/v1.0/account/~/extension/~/message-store/{msg['id']}", expect=200)
    check(again.get("id") == msg["id"], "message-store read returned another message")
    # Sending from a number the user does not own is refused with a RingCentral error body.
    status, err, _ = s.call("POST", "/restapi/v1.0/account/~/extension/~/sms",
                            body={"from": {"phoneNumber": "+19995550000"}, "to": [{"phoneNumber": to}], "text": "x"})
    check(400 <= status < 500, f"sending from a foreign number answered {status}")
    check_rc_error(err, status, {"MSG-304", "CMN-101", "CMN-102", "FeatureNotAvailable", "MSG-313", "InvalidParameter"},
                   "foreign sender")
    return f"message {msg['id']} from {sender}"


def send_multipart(s, url, body, attachment, mixed):
    """The SDK's MultipartBuilder: one `json` part with the whole body, then `attachment` parts."""
    builder = s.sdk.create_multipart_builder().set_body(body).set_multipart_mixed(mixed)
    builder.add(attachment)
    try:
        resp = s.platform.send_request(builder.request(url))
        raw = resp.response()
    except ApiException as e:
        raw = e.api_response().response() if e.api_response() else None
        if raw is None:
            raise FlowFailure(f"POST {url}: no HTTP response: {redact(e)}") from None
    kind = "multipart/mixed" if mixed else "multipart/form-data"
    s.rec.note("POST", raw.url, {"(" + kind + ") json part": body, "attachment": attachment[0]}, raw.status_code,
               raw.text, raw.headers)
    return raw.status_code, parse_body(raw)


def flow_fax_mms(ctx):
    s = ctx.logged_in()
    _, numbers, _ = s.call("GET", "/restapi/v1.0/account/~/extension/~/phone-number", query={"perPage": 100},
                           expect=200)
    mms = [r["phoneNumber"] for r in numbers.get("records") or [] if "MmsSender" in (r.get("features") or [])]
    check(mms, "none of the admin's numbers has the MmsSender feature")
    to = [{"phoneNumber": "+16505550125"}]
    status, fax = send_multipart(s, "/restapi/v1.0/account/~/extension/~/fax",
                                 {"to": to, "faxResolution": "High"}, ("cover.txt", "compat fax page", "text/plain"),
                                 mixed=False)
    check(status == 200, f"fax through the SDK's MultipartBuilder answered {status}, expected 200")
    check(fax.get("type") == "Fax" and fax.get("direction") == "Outbound", f"fax answer is {fax.get('type')!r}/"
          f"{fax.get('direction')!r}, expected Fax/Outbound")
    status, msg = send_multipart(s, "/restapi/v1.0/account/~/extension/~/mms",
                                 {"from": {"phoneNumber": mms[0]}, "to": to, "text": "compat mms"},
                                 ("pixel.png", b"\x89PNG\r\n\x1a\n", "image/png"), mixed=True)
    check(status == 200, f"MMS through the SDK's MultipartBuilder (multipart/mixed) answered {status}, expected 200")
    check(msg.get("type") in ("SMS", "MMS") and msg.get("attachments"), "the MMS answer has no attachments")
    return f"fax {fax.get('id')} and MMS {msg.get('id')} sent as the SDK builds them"


def flow_errors(ctx):
    s = ctx.logged_in()
    status, body, raw = s.call("GET", "/restapi/v1.0/account/~/extension/987654321987")
    check(status == 404, f"unknown extension answered {status}, expected 404")
    check_rc_error(body, status, {"CMN-102"}, "unknown extension")
    check(raw.headers.get("RCRequestId"), "error response lacks RCRequestId")
    check("application/json" in raw.headers.get("Content-Type", ""), "error body is not application/json")
    return "404 CMN-102 with errors[] and RCRequestId"


def flow_batch(ctx):
    """RingCentral's bulk syntax read through the SDK's own batch reader, `ApiResponse.multipart()`."""
    s = ctx.logged_in()
    _, listed, _ = s.call("GET", "/restapi/v1.0/account/~/extension/~/address-book/contact",
                          query={"perPage": 2}, expect=200)
    ids = [str(r.get("id")) for r in listed.get("records") or []]
    check(len(ids) == 2, f"expected 2 seeded contacts, got {len(ids)}")
    url = "/restapi/v1.0/account/~/extension/~/address-book/contact/" + ",".join(ids + ["404"])
    try:
        resp = s.platform.get(url)
    except ApiException as e:
        s._record_error("GET", url, None, e)
        raise FlowFailure(f"GET {url}: {redact(e)}") from None
    raw = resp.response()
    s.rec.note("GET", raw.url, None, raw.status_code, raw.text, raw.headers)
    check(raw.status_code == 207, f"GET {url}: expected HTTP 207, got {raw.status_code}")
    parts = resp.multipart()
    check(len(parts) == 3, f"the SDK read {len(parts)} parts, expected 3")
    statuses = [p.response().status_code for p in parts]
    check(statuses == [200, 200, 404], f"part statuses {statuses}")
    got = [str(p.json_dict().get("id")) for p in parts[:2]]
    check(got == ids, f"parts hold contacts {got}, expected {ids}")
    check(parts[2].json_dict().get("errorCode") == "CMN-102", "the unknown id's part is not CMN-102")
    return f"contacts {', '.join(ids)} and one unknown id read in one request"


def scim_user_payload(tag):
    user = f"compat.{tag}@example.com"
    return {
        "schemas": [SCIM_USER],
        "userName": user,
        "externalId": f"compat-{tag}",
        "name": {"givenName": "Compat", "familyName": tag.capitalize()},
        "emails": [{"value": user, "type": "work"}],
        "active": True,
    }


def check_scim_user(u, what):
    check(isinstance(u, dict), f"{what}: body is not a JSON object")
    check(SCIM_USER in (u.get("schemas") or []), f"{what}: schemas lacks {SCIM_USER}")
    for f in ("id", "userName", "active", "meta"):
        check(f in u, f"{what}: user lacks `{f}`")
    check(get_path(u, "meta", "resourceType") == "User", f"{what}: meta.resourceType is {get_path(u, 'meta', 'resourceType')!r}")


def flow_scim(ctx):
    s = ctx.logged_in()
    # What a Python application writes first: the SDK's json_dict(), which insists on a JSON content type.
    try:
        listed = s.platform.get("/scim/v2/Users", query_params={"count": 1}).json_dict()
        check(isinstance(listed.get("Resources"), list), "json_dict() of the SCIM list has no Resources")
    except ApiException as e:
        s._record_error("GET", "/scim/v2/Users?count=1", None, e)
        raise FlowFailure(f"GET /scim/v2/Users failed: {redact(e)}") from None
    except FlowFailure:
        raise
    except Exception as e:
        raise FlowFailure(f"the SDK's json_dict() cannot read the SCIM list: {e}") from None
    _, lst, raw = s.call("GET", "/scim/v2/Users", query={"startIndex": 1, "count": 5}, expect=200)
    check(SCIM_LIST in (lst.get("schemas") or []), "list lacks the ListResponse schema")
    for f in ("totalResults", "itemsPerPage", "startIndex", "Resources"):
        check(f in lst, f"list lacks `{f}`")
    check(lst["startIndex"] == 1, f"startIndex {lst['startIndex']}")
    check(len(lst["Resources"]) <= 5, f"{len(lst['Resources'])} resources for count=5")
    check(lst["totalResults"] >= len(lst["Resources"]) > 0, "no users listed")
    first = lst["Resources"][0]
    check_scim_user(first, "listed user")
    # Second page starts where the first ended.
    _, page2, _ = s.call("GET", "/scim/v2/Users", query={"startIndex": 6, "count": 5}, expect=200)
    check(page2.get("startIndex") == 6, f"page 2 startIndex {page2.get('startIndex')}")
    ids1 = {u.get("id") for u in lst["Resources"]}
    check(not ids1 & {u.get("id") for u in page2.get("Resources") or []}, "pages 1 and 2 overlap")

    # Filter the way RingCentral supports it (userName eq, case-insensitive), by GET and by POST .search.
    name = first["userName"]
    _, found, _ = s.call("GET", "/scim/v2/Users", query={"filter": f'userName eq "{name.upper()}"'}, expect=200)
    check(found.get("totalResults") == 1 and get_path(found, "Resources", 0, "id") == first["id"],
          f"filter userName eq (upper-cased) found {found.get('totalResults')} users")
    _, searched, _ = s.call("POST", "/scim/v2/Users/.search",
                            body={"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
                                  "filter": f'userName eq "{name}"', "startIndex": 1, "count": 10}, expect=200)
    check(searched.get("totalResults") == 1, f".search found {searched.get('totalResults')} users")
    email = get_path(first, "emails", 0, "value")
    if email:
        _, by_mail, _ = s.call("GET", "/scim/v2/Users", query={"filter": f'emails eq "{email}"'}, expect=200)
        check(by_mail.get("totalResults", 0) >= 1, "filter emails eq found nobody")

    tag = uuid.uuid4().hex[:10]
    payload = scim_user_payload(tag)
    _, created, raw = s.call("POST", "/scim/v2/Users", body=payload, expect=201)
    check_scim_user(created, "created user")
    check(created["userName"].lower() == payload["userName"], "created userName differs")
    check(created["active"] is True, "created user is not active")
    uid = created["id"]
    ctx.scim_created.append(uid)
    location = raw.headers.get("Location")
    check(location and location.endswith(f"/scim/v2/Users/{uid}"), f"Location header {location!r}")
    status, dup, _ = s.call("POST", "/scim/v2/Users", body=payload)
    check(status == 409, f"creating the same userName again answered {status}, expected 409")
    check(SCIM_ERROR in (dup.get("schemas") or []) if isinstance(dup, dict) else False, "409 body is not a SCIM error")

    _, got, _ = s.call("GET", f"/scim/v2/Users/{uid}", expect=200)
    check_scim_user(got, "read user")
    check(got["id"] == uid and got["userName"].lower() == payload["userName"], "read returned another user")

    patch = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": False}]}
    _, patched, _ = s.call("PATCH", f"/scim/v2/Users/{uid}", body=patch, expect=200)
    check(patched.get("active") is False, f"after PATCH active=false the user says active={patched.get('active')!r}")
    _, got, _ = s.call("GET", f"/scim/v2/Users/{uid}", expect=200)
    check(got.get("active") is False, "the deactivation did not persist")
    # Azure AD sends the string "True"; RingCentral accepts it.
    patch_str = {"schemas": [PATCH_OP], "Operations": [{"op": "replace", "path": "active", "value": "True"}]}
    _, patched, _ = s.call("PATCH", f"/scim/v2/Users/{uid}", body=patch_str, expect=200)
    check(patched.get("active") is True, "PATCH active=\"True\" (a string) did not reactivate")

    s.call("DELETE", f"/scim/v2/Users/{uid}", expect=204)
    status, err, raw = s.call("GET", f"/scim/v2/Users/{uid}")
    check(status == 404, f"GET after DELETE answered {status}, expected 404")
    check(isinstance(err, dict) and SCIM_ERROR in (err.get("schemas") or []), f"404 body is not a SCIM error: {err!r}")
    check(str(err.get("status")) == "404", f"SCIM error status {err.get('status')!r}")
    status, _, _ = s.call("DELETE", f"/scim/v2/Users/{uid}")
    check(status == 404, f"second DELETE answered {status}, expected 404")
    ctx.scim_created.remove(uid)
    return f"listed {lst['totalResults']}, created/patched/deleted {uid}"


def flow_refresh(ctx):
    s = Session(ctx.creds, ctx.rec)
    data = s.login()
    ttl = data.get("expires_in", 3600)
    if ttl > MAX_WAIT_TTL_S:
        raise Skip(f"access tokens live {ttl} s; start the sandbox with --token-ttl of at most {MAX_WAIT_TTL_S}")
    old = dict(s.platform.auth().data())
    refreshed = []
    s.platform.on("refreshSuccess", lambda *_: refreshed.append(True))
    time.sleep(ttl + 1.0)
    check(not s.platform.auth().access_token_valid(), "the SDK still thinks the token is valid after its lifetime")
    _, ext, _ = s.call("GET", "/restapi/v1.0/account/~/extension/~", expect=200)
    check(refreshed, "the SDK did not refresh")
    new = s.platform.auth().data()
    check(new["access_token"] != old["access_token"], "refresh returned the same access token")
    check(new["refresh_token"] != old["refresh_token"], "refresh returned the same refresh token (no rotation)")
    check(str(ext.get("id")) == str(old["owner_id"]), "after refresh the extension is another user's")

    # The expired access token is refused with RingCentral's 401 body.
    stale = Session(ctx.creds, ctx.rec)
    stale.platform.auth().set_data({**old, "expire_time": time.time() + 3600})
    status, body, _ = stale.call("GET", "/restapi/v1.0/account/~/extension/~")
    check(status == 401, f"a call with the expired access token answered {status}, expected 401")
    check_rc_error(body, status, {"OAU-213", "TokenExpired", "TokenInvalid"}, "expired access token")

    # Replaying the used refresh token fails: refresh tokens are single-use.
    replay = Session(ctx.creds, ctx.rec)
    replay.platform.auth().set_data({**old, "refresh_token_expire_time": time.time() + 3600})
    try:
        replay.platform.refresh()
        raise FlowFailure("replaying a used refresh token succeeded")
    except ApiException as e:
        raw = e.api_response().response()
        ctx.rec.note("POST", "/restapi/oauth/token", {"grant_type": "refresh_token", "refresh_token": "<used>"},
                     raw.status_code, raw.text, raw.headers)
        body = parse_body(raw)
        check(raw.status_code == 400, f"replayed refresh token answered {raw.status_code}, expected 400")
        check(isinstance(body, dict) and body.get("error") == "invalid_grant", f"replay error is {body!r}")
        check_rc_error(body, 400, {"OAU-211"}, "replayed refresh token")
    return f"refreshed after {ttl} s; rotation and replay refusal hold"


def flow_revoke(ctx):
    s = Session(ctx.creds, ctx.rec)
    s.login()
    s.call("GET", "/restapi/v1.0/account/~/extension/~", expect=200)
    saved = dict(s.platform.auth().data())
    try:
        resp = s.platform.logout()
    except ApiException as e:
        s._record_error("POST", "/restapi/oauth/revoke", {"token": "<access>"}, e)
        raise FlowFailure(f"logout failed: {redact(e)}") from None
    raw = resp.response()
    ctx.rec.note("POST", "/restapi/oauth/revoke", {"token": "<access>"}, raw.status_code, raw.text, raw.headers)
    check(raw.status_code == 200, f"revoke answered {raw.status_code}, expected 200")
    # The SDK itself has forgotten the tokens and refuses to call.
    try:
        s.platform.get("/restapi/v1.0/account/~/extension/~")
        raise FlowFailure("the SDK made an authenticated call after logout")
    except ApiException as e:
        raise FlowFailure(f"after logout the SDK reached the server: {redact(e)}") from None
    except FlowFailure:
        raise
    except Exception:
        pass
    # The revoked access token is refused by the server.
    again = Session(ctx.creds, ctx.rec)
    again.platform.auth().set_data(saved)
    status, body, _ = again.call("GET", "/restapi/v1.0/account/~/extension/~")
    check(status == 401, f"a call with the revoked access token answered {status}, expected 401")
    check_rc_error(body, status, {"OAU-213", "TokenInvalid", "OAU-211"}, "revoked access token")
    # And so is its refresh token: revoke ends the whole session.
    try:
        again.platform.refresh()
        raise FlowFailure("refreshing a revoked session succeeded")
    except ApiException as e:
        raw = e.api_response().response()
        ctx.rec.note("POST", "/restapi/oauth/token", {"grant_type": "refresh_token", "refresh_token": "<revoked>"},
                     raw.status_code, raw.text, raw.headers)
        check(raw.status_code == 400, f"refresh of a revoked session answered {raw.status_code}, expected 400")
        check_rc_error(parse_body(raw), 400, {"OAU-211"}, "refresh after revoke")
    return "logout revoked both tokens"


# A Heavy-group operation (10 requests per window) that any user may call.
HEAVY_PATH = "/restapi/v1.0/account/~/extension/~/call-log"


def flow_rate_limit(ctx):
    s = Session(ctx.creds, ctx.rec)
    s.login()
    _, _, raw = s.call("GET", HEAVY_PATH, query={"perPage": 1}, expect=200)
    group = raw.headers.get("X-Rate-Limit-Group")
    if not group:
        raise Skip("no X-Rate-Limit-* headers: start the sandbox with --rate-limits real or scale=FACTOR")
    check(group == "Heavy", f"{HEAVY_PATH} is in group {group!r}, expected Heavy")
    limit = int(raw.headers.get("X-Rate-Limit-Limit", "0"))
    window = int(raw.headers.get("X-Rate-Limit-Window", "0"))
    check(limit == 10, f"X-Rate-Limit-Limit is {limit}, expected 10 for Heavy")
    check(window >= 1, f"X-Rate-Limit-Window is {window}")
    # The Python SDK does not retry: the 429 reaches the application as an ApiException.
    limited = None
    for _ in range(limit + 1):
        status, body, raw = s.call("GET", HEAVY_PATH, query={"perPage": 1})
        if status == 429:
            limited = (body, raw)
            break
        check(status == 200, f"answered {status} before the limit")
    check(limited, f"{limit + 2} Heavy requests within one window were all accepted")
    body, raw = limited
    retry_after = raw.headers.get("Retry-After")
    check(retry_after and retry_after.isdigit() and int(retry_after) >= 1, f"Retry-After is {retry_after!r}")
    check_rc_error(body, 429, {"CMN-301"}, "rate-limited request")
    time.sleep(int(retry_after) + 0.2)
    s.call("GET", HEAVY_PATH, query={"perPage": 1}, expect=200)
    return f"429 after {limit} Heavy requests, Retry-After {retry_after} s honoured"


class Skip(Exception):
    """A flow that cannot run against this sandbox's configuration."""


class Context:
    def __init__(self, creds):
        self.creds = creds
        self.rec = Recorder()
        self.session = None
        self.owner_id = None
        self.expires_in = None
        self.scim_created = []
        self.expect_ttl = None

    def logged_in(self):
        if self.session is None:
            flow_login(self)
        # Long-running flows (refresh waits) may outlive a short token; the SDK refreshes as needed.
        return self.session


FLOWS = [
    ("login", flow_login),
    ("current-extension", flow_current_extension),
    ("paging", flow_paging),
    ("sms", flow_sms),
    ("fax-mms", flow_fax_mms),
    ("errors", flow_errors),
    ("batch", flow_batch),
    ("scim", flow_scim),
    ("refresh", flow_refresh),
    ("revoke", flow_revoke),
]
# Flows that need a sandbox started with other flags; they run only when named with --only.
EXTRA_FLOWS = [
    ("rate-limit", flow_rate_limit),
]


def load_credentials(args):
    if args.sandbox_json:
        try:
            with open(args.sandbox_json, encoding="utf-8") as f:
                line = f.readline()
            data = json.loads(line)
        except (OSError, ValueError) as e:
            raise SystemExit(f"error: cannot read sandbox credentials from {args.sandbox_json}: {e}. "
                             "Pass the first stdout line of `ringctl sandbox serve`.")
        return {k: data.get(k) for k in ("url", "clientId", "clientSecret", "jwt")}
    env = {
        "url": os.environ.get("RC_SERVER_URL") or os.environ.get("RINGCENTRAL_SERVER_URL"),
        "clientId": os.environ.get("RC_CLIENT_ID") or os.environ.get("RINGCENTRAL_CLIENT_ID"),
        "clientSecret": os.environ.get("RC_CLIENT_SECRET") or os.environ.get("RINGCENTRAL_CLIENT_SECRET"),
        "jwt": os.environ.get("RC_JWT") or os.environ.get("RINGCENTRAL_JWT"),
    }
    missing = [k for k, v in env.items() if not v]
    if missing:
        raise SystemExit(f"error: missing credentials {missing}. Set RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET "
                         "and RC_JWT, or pass --sandbox-json FILE.")
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox-json", help="file with the first stdout line of `ringctl sandbox serve`")
    parser.add_argument("--only", action="append",
                        help="run only this flow (repeatable); `rate-limit` runs only when named")
    parser.add_argument("--report", help="write a JSON report of every flow to this file")
    parser.add_argument("--expect-token-ttl", type=int, help="the sandbox's --token-ttl; login checks expires_in")
    args = parser.parse_args()
    creds = load_credentials(args)
    creds["url"] = creds["url"].rstrip("/")
    names = [n for n, _ in FLOWS + EXTRA_FLOWS]
    for name in args.only or []:
        if name not in names:
            parser.error(f"unknown flow {name!r}; flows are {', '.join(names)}")
    ctx = Context(creds)
    ctx.expect_ttl = args.expect_token_ttl
    results = []
    for name, flow in FLOWS + EXTRA_FLOWS:
        if (args.only and name not in args.only) or (not args.only and (name, flow) in EXTRA_FLOWS):
            continue
        ctx.rec.last = None
        started = time.monotonic()
        try:
            detail = flow(ctx)
            outcome = "PASS"
        except Skip as e:
            outcome, detail = "SKIP", str(e)
        except FlowFailure as e:
            outcome, detail = "FAIL", f"{e}\n    {ctx.rec.describe()}"
        except Exception as e:  # an SDK crash is a failure of this flow, not of the harness
            outcome = "FAIL"
            detail = f"{type(e).__name__}: {redact(e)}\n    {ctx.rec.describe()}\n" + redact(
                "".join(traceback.format_exc(limit=4)))
        elapsed = time.monotonic() - started
        print(f"{outcome} python/{name} ({elapsed:.1f}s): {redact(detail)}", flush=True)
        results.append({"flow": name, "outcome": outcome, "detail": redact(detail), "seconds": round(elapsed, 2)})
    passed = sum(r["outcome"] == "PASS" for r in results)
    failed = sum(r["outcome"] == "FAIL" for r in results)
    skipped = sum(r["outcome"] == "SKIP" for r in results)
    print(f"python: {passed} passed, {failed} failed, {skipped} skipped")
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            json.dump({"client": "ringcentral (Python)", "results": results}, f, indent=2)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
