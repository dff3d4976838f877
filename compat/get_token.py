#!/usr/bin/env python3
"""Obtains an access token from a RingCentral-compatible server with the JWT bearer grant.

Reads the first stdout line of `ringctl sandbox serve` (`{"url","clientId","clientSecret","jwt"}`) from
`--sandbox-json FILE`, or RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET and RC_JWT from the environment,
and writes the access token alone to `--out FILE` (mode 0600) or, with `--out -`, to stdout. Standard
library only, so that it runs before any virtualenv exists.
"""

import argparse
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


def load(args):
    if args.sandbox_json:
        try:
            with open(args.sandbox_json, encoding="utf-8") as f:
                data = json.loads(f.readline())
        except (OSError, ValueError) as e:
            sys.exit(f"error: cannot read {args.sandbox_json}: {e}. Pass the first stdout line of "
                     "`ringctl sandbox serve`.")
        return data.get("url"), data.get("clientId"), data.get("clientSecret"), data.get("jwt")
    env = os.environ
    return (env.get("RC_SERVER_URL"), env.get("RC_CLIENT_ID"), env.get("RC_CLIENT_SECRET"), env.get("RC_JWT"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox-json", help="file with the first stdout line of `ringctl sandbox serve`")
    parser.add_argument("--out", required=True, help="where to write the access token (`-` for stdout)")
    args = parser.parse_args()
    url, client_id, secret, jwt = load(args)
    if not all((url, client_id, secret, jwt)):
        sys.exit("error: missing credentials. Pass --sandbox-json FILE or set RC_SERVER_URL, RC_CLIENT_ID, "
                 "RC_CLIENT_SECRET and RC_JWT.")
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    body = urllib.parse.urlencode({"grant_type": JWT_GRANT, "assertion": jwt}).encode()
    req = urllib.request.Request(
        url.rstrip("/") + "/restapi/oauth/token",
        data=body,
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            token = json.load(resp).get("access_token")
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace")[:300]
        sys.exit(f"error: the token endpoint answered {e.code}: {detail}. Check the client credentials and JWT.")
    except (urllib.error.URLError, OSError, ValueError) as e:
        sys.exit(f"error: no token from {url}: {e}. Is the sandbox running?")
    if not token:
        sys.exit("error: the token response has no access_token.")
    if args.out == "-":
        print(token)
    else:
        fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(token)


if __name__ == "__main__":
    main()
