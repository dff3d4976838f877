"""Reliability figures for the sandbox server (BENCHMARKS.md, "Sandbox: reliability"), driven over
loopback against `ringctl sandbox serve` running under `ulimit -n 1024`:

    cargo build -p ringctl && python3 crates/ringcentral-sandbox/benches/reliability.py target/debug/ringctl

Python's standard library only; it raises its own file limit to open the slow connections."""
import base64, json, os, resource, socket, subprocess, sys, time, urllib.request

BIN = sys.argv[1]
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))

import tempfile
LOG = os.path.join(tempfile.mkdtemp(), 'stderr.log')
err = open(LOG, 'w')
proc = subprocess.Popen(['bash', '-c', f'ulimit -n 1024; exec {BIN} sandbox serve --users 50'],
                        stdout=subprocess.PIPE, stderr=err, text=True)
start = json.loads(proc.stdout.readline())
url = start['url']
host, port = url.split('//')[1].split(':'); port = int(port)

def rss_kib():
    with open(f'/proc/{proc.pid}/status') as f:
        d = dict(l.split(':', 1) for l in f if ':' in l)
    return int(d['VmRSS'].split()[0]), int(d['VmHWM'].split()[0])

def call(method, path, token=None, body=None, ctype=None, timeout=60):
    req = urllib.request.Request(url + path, data=body, method=method)
    if token: req.add_header('Authorization', 'Bearer ' + token)
    if ctype: req.add_header('Content-Type', ctype)
    t = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read(); status = r.status
    except urllib.error.HTTPError as e:
        data = e.read(); status = e.code
    return status, data, time.monotonic() - t

basic = base64.b64encode(f"{start['clientId']}:{start['clientSecret']}".encode()).decode()
req = urllib.request.Request(url + '/restapi/oauth/token', method='POST',
    data=f"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={start['jwt']}".encode())
req.add_header('Authorization', 'Basic ' + basic)
req.add_header('Content-Type', 'application/x-www-form-urlencoded')
token = json.load(urllib.request.urlopen(req))['access_token']

# A: 1,020 slow clients (half silent, half with a half-sent head) under a 1,024 file limit.
socks = []
for i in range(1020):
    s = socket.create_connection((host, port))
    if i % 2:
        s.sendall(b'GET /restapi/v1.0/account/~ HTTP/1.1\r\nHost: x\r\n')
    socks.append(s)
time.sleep(0.5)
status, _, took = call('GET', '/restapi/v1.0/account/~', token)
print(f'A: normal GET with 1,020 slow clients open: status {status} after {took:.2f} s')
for s in socks: s.close()
time.sleep(1)
accept_lines = sum(1 for l in open(LOG) if 'accept failed' in l)
print(f'A: "accept failed" lines logged: {accept_lines}')
stats = json.loads(call('GET', '/sandbox/v1/stats')[1])
print('A: connections', stats.get('connections'))

# B: 40 unauthenticated 20 MB posts.
before = rss_kib()
body = b'{"firstName":"' + b'a' * (20 * 1024 * 1024 - 20) + b'"}'
t = time.monotonic(); codes = {}
for _ in range(40):
    s = socket.create_connection((host, port))
    head = (f'POST /restapi/v1.0/account/~/extension/~/address-book/contact HTTP/1.1\r\nHost: x\r\n'
            f'Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n').encode()
    try:
        s.sendall(head); s.sendall(body)
    except OSError:
        pass
    s.settimeout(10)
    try:
        line = s.recv(64).split(b'\r\n')[0].decode()
    except OSError as e:
        line = f'error {e}'
    codes[line] = codes.get(line, 0) + 1
    s.close()
after = rss_kib()
print(f'B: 40 unauthenticated 20 MB posts in {time.monotonic()-t:.1f} s, answers {codes}; '
      f'RSS {before[0]/1024:.0f} -> {after[0]/1024:.0f} MiB (peak {after[1]/1024:.0f} MiB)')

# C: creating a contact at about 105 and about 3,490 contacts.
path = '/restapi/v1.0/account/~/extension/~/address-book/contact'
def count():
    return json.loads(call('GET', path + '?perPage=1', token)[1])['paging']['totalElements']
def creates(n):
    times = []
    for i in range(n):
        st, _, took = call('POST', path, token, json.dumps({'firstName': f'F{i}', 'lastName': 'L', 'notes': 'n' * 200}).encode(), 'application/json')
        assert st == 200, st
        times.append(took)
    times.sort()
    return sum(times) / len(times), times[len(times)//2]
have = count()
creates(max(0, 105 - have))
m1, p1 = creates(50)
print(f'C: create at {count()-50} contacts: mean {m1*1000:.2f} ms, p50 {p1*1000:.2f} ms')
creates(max(0, 3490 - count()))
m2, p2 = creates(50)
print(f'C: create at {count()-50} contacts: mean {m2*1000:.2f} ms, p50 {p2*1000:.2f} ms')
proc.terminate(); proc.wait(timeout=10)
