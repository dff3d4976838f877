#!/usr/bin/env python3
"""Lists every extension of a sandbox with RingCentral's Python SDK and prints the records as one JSON array.

The peer of `ringctl action run list-extensions --all-pages --json` in the paging benchmark
(compat/bench/paging.sh, BENCHMARKS.md): log in with the JWT grant, ask for the first page, follow
`navigation.nextPage.uri` until it is absent, and write each record to stdout as its page arrives.
Reads the first stdout line of `ringctl sandbox serve` from --sandbox-json FILE.
"""

import argparse
import json
import sys

from ringcentral import SDK

# A walk never needs more pages than this (10,000 users at perPage 1 is far beyond any benchmark).
MAX_PAGES = 100_000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox-json", required=True, help="file with the first stdout line of `ringctl sandbox serve`")
    parser.add_argument("--per-page", type=int, help="records per page (left out: the server's default)")
    args = parser.parse_args()
    try:
        with open(args.sandbox_json, encoding="utf-8") as f:
            creds = json.loads(f.readline())
    except (OSError, ValueError) as e:
        sys.exit(f"error: cannot read {args.sandbox_json}: {e}")
    sdk = SDK(creds["clientId"], creds["clientSecret"], creds["url"], "ringctl-bench", "1.0.0")
    platform = sdk.platform()
    platform.login(jwt=creds["jwt"])
    query = {"perPage": args.per_page} if args.per_page else None
    response = platform.get("/restapi/v1.0/account/~/extension", query)
    out = sys.stdout
    out.write("[")
    count = 0
    for _ in range(MAX_PAGES):
        body = response.json_dict()
        for record in body.get("records") or []:
            out.write(",\n" if count else "\n")
            out.write(json.dumps(record))
            count += 1
        next_uri = ((body.get("navigation") or {}).get("nextPage") or {}).get("uri")
        if not next_uri:
            break
        response = platform.get(next_uri)
    else:
        sys.exit(f"error: more than {MAX_PAGES} pages")
    out.write("\n]\n")
    print(f"{count} records", file=sys.stderr)


if __name__ == "__main__":
    main()
