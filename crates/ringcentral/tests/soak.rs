//! A soak run against a loopback server that fails 18% of requests with a mix of 500, 502, 503 (with
//! and without `Retry-After`), 504, 429 and reset connections: a paged listing and a series of POSTs
//! complete with exact counts, no SMS is acted on twice, and no pause exceeds 10 s. The faults follow a
//! seeded generator, so every run sees the same sequence; the run is bounded in requests (the server
//! stops accepting after a fixed number of connections, after which every attempt is refused) and, with
//! the retry policy's limits, in time.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use futures::TryStreamExt;
use ringcentral::{Client, ErrorKind, Event, Paging, Request, RetryPolicy, ThrottlingGroup};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::Instant,
};

const RECORDS: usize = 10_000;
const PER_PAGE: usize = 50;
const MESSAGES: usize = 200;
/// Far above what the run needs (about 500 requests), low enough to end a runaway loop.
const MAX_CONNECTIONS: usize = 2_000;
/// 9 faults in every 50 requests: 18%, exactly, at positions the generator picks.
const FAULTS_PER_BLOCK: usize = 9;
const BLOCK: usize = 50;

/// What the server did with the POSTs, by message text.
#[derive(Debug, Default)]
struct Ledger {
    requests: usize,
    faults: HashMap<&'static str, usize>,
    /// How many times each SMS was acted on (sent).
    acted: HashMap<String, usize>,
    /// POSTs that failed after the server had acted on them: the client must report, not resend, them.
    failed_after_acting: usize,
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    Status(u16),
    /// A refusal: the server did not act, and says when to come back.
    Refusal(u16),
    Reset,
}

/// The fault plan: a xorshift64* generator places the faults, so that the sequence is the same on
/// every run; the kinds of fault take turns.
struct Plan {
    state: u64,
    block: std::collections::VecDeque<bool>,
    /// Faults injected so far: the kinds take turns, so that every kind occurs in a short run.
    injected: usize,
}

impl Plan {
    fn new(seed: u64) -> Plan {
        Plan {
            state: seed,
            block: Default::default(),
            injected: 0,
        }
    }

    fn next(&mut self) -> u64 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn fault(&mut self) -> Option<Fault> {
        if self.block.is_empty() {
            // A partial Fisher-Yates shuffle picks which requests of the block fail.
            let mut slots: Vec<usize> = (0..BLOCK).collect();
            for k in 0..FAULTS_PER_BLOCK {
                let j = k + self.below(BLOCK - k);
                slots.swap(k, j);
            }
            let mut block = vec![false; BLOCK];
            for &i in &slots[..FAULTS_PER_BLOCK] {
                block[i] = true;
            }
            self.block = block.into();
        }
        if !self.block.pop_front().unwrap_or(false) {
            return None;
        }
        self.injected += 1;
        Some(match self.injected % 7 {
            0 => Fault::Status(500),
            1 => Fault::Status(502),
            2 => Fault::Status(503),
            3 => Fault::Refusal(503),
            4 => Fault::Status(504),
            5 => Fault::Refusal(429),
            _ => Fault::Reset,
        })
    }
}

fn fault_name(f: Fault) -> &'static str {
    match f {
        Fault::Status(500) => "500",
        Fault::Status(502) => "502",
        Fault::Status(503) => "503",
        Fault::Refusal(503) => "503 Retry-After",
        Fault::Status(504) => "504",
        Fault::Refusal(429) => "429",
        Fault::Reset => "reset",
        _ => "other",
    }
}

struct Head {
    method: String,
    target: String,
    body: Vec<u8>,
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body); `None` if the peer went away.
async fn read_request(stream: &mut TcpStream) -> Option<Head> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    // Bounded: a request larger than 1 MiB is not one of ours.
    while buf.len() < (1 << 20) {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).into_owned();
        let Some(end) = text.find("\r\n\r\n") else {
            continue;
        };
        let head = &text[..end];
        let length = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        if buf.len() < end + 4 + length {
            continue;
        }
        let mut first = head.lines().next()?.split(' ');
        return Some(Head {
            method: first.next()?.to_owned(),
            target: first.next()?.to_owned(),
            body: buf[end + 4..end + 4 + length].to_vec(),
        });
    }
    None
}

async fn respond(stream: &mut TcpStream, status: u16, extra: &str, body: &str) {
    let msg = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nrcrequestid: soak\r\n{extra}connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(msg.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn listing(base: &str, target: &str) -> String {
    let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let num = |k: &str, d: usize| params.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
    let (page, per_page) = (num("page", 1).max(1), num("perPage", 100).max(1));
    let start = (page - 1) * per_page;
    let end = (start + per_page).min(RECORDS);
    let records: Vec<Value> = (start..end).map(|i| json!({"id": i})).collect();
    let mut navigation = json!({});
    if end < RECORDS {
        navigation["nextPage"] = json!({"uri": format!(
            "{base}/restapi/v1.0/account/~/extension?page={}&perPage={per_page}",
            page + 1
        )});
    }
    json!({"records": records, "paging": {"page": page, "perPage": per_page}, "navigation": navigation})
        .to_string()
}

/// Starts the faulty server on its own thread and real clock.
fn faulty_server() -> (String, Arc<Mutex<Ledger>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let (served, url) = (ledger.clone(), base.clone());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
            let mut plan = Plan::new(0x5eed_0f50_0ac0_de42);
            for _ in 0..MAX_CONNECTIONS {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let Some(req) = read_request(&mut stream).await else {
                    continue;
                };
                let fault = plan.fault();
                let post = req.method == "POST";
                let text = serde_json::from_slice::<Value>(&req.body)
                    .ok()
                    .and_then(|v| v["text"].as_str().map(str::to_owned));
                {
                    let mut l = served.lock().unwrap_or_else(|p| p.into_inner());
                    l.requests += 1;
                    if let Some(f) = fault {
                        *l.faults.entry(fault_name(f)).or_default() += 1;
                    }
                    // A refused request is not acted on; any other POST is, even when its answer then
                    // fails: the worst case for a client that would resend it.
                    if post && !matches!(fault, Some(Fault::Refusal(_))) {
                        if let Some(t) = &text {
                            *l.acted.entry(t.clone()).or_default() += 1;
                        }
                        if fault.is_some() {
                            l.failed_after_acting += 1;
                        }
                    }
                }
                match fault {
                    Some(Fault::Reset) => {
                        let _ = stream.set_zero_linger();
                        drop(stream);
                    }
                    Some(Fault::Refusal(status)) => {
                        respond(
                            &mut stream,
                            status,
                            "retry-after: 2\r\n",
                            r#"{"errorCode":"CMN-301","message":"Request rate exceeded"}"#,
                        )
                        .await;
                    }
                    Some(Fault::Status(status)) => {
                        respond(
                            &mut stream,
                            status,
                            "",
                            r#"{"errorCode":"CMN-201","message":"Service temporarily unavailable"}"#,
                        )
                        .await;
                    }
                    None if post => {
                        respond(&mut stream, 200, "", r#"{"messageStatus":"Queued"}"#).await;
                    }
                    None => {
                        let body = listing(&url, &req.target);
                        respond(&mut stream, 200, "", &body).await;
                    }
                }
            }
        });
    });
    (base, ledger)
}

fn client(url: &str) -> Client {
    Client::builder()
        .server(url)
        .client_id("soak")
        .http_client(
            reqwest::Client::builder()
                .pool_idle_timeout(None)
                .build()
                .expect("http"),
        )
        .retry_policy(RetryPolicy {
            max_retries: 6,
            max_delay: Duration::from_secs(4),
            ..RetryPolicy::default()
        })
        .build()
        .expect("client")
}

#[tokio::test(start_paused = true)]
async fn a_listing_and_a_series_of_posts_ride_out_18_percent_faults() {
    let (url, ledger) = faulty_server();
    let client = client(&url);
    // Counted as they come: a run this long overflows the channel's backlog.
    let mut events = client.events();
    let announced = tokio::spawn(async move {
        let mut retries = 0usize;
        loop {
            match events.recv().await {
                Ok(Event::Retrying { .. }) => retries += 1,
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => {
                    panic!("{n} events missed")
                }
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return retries,
            }
        }
    });
    let start = Instant::now();
    let mut steps = vec![start];

    let run = async {
        let listing = Request::get("/restapi/v1.0/account/~/extension")
            .query("perPage", PER_PAGE.to_string())
            .group(ThrottlingGroup::Medium)
            .unauthenticated();
        let paging = Paging::PageNumber {
            records: "records",
            per_page_max: Some(1000),
        };
        let mut ids = Vec::new();
        let mut pages = std::pin::pin!(client.pages(listing, paging));
        while let Some(page) = pages.try_next().await.expect("every page arrives") {
            ids.extend(page.records.iter().filter_map(|r| r["id"].as_u64()));
            steps.push(Instant::now());
        }
        let mut outcomes = Vec::new();
        for i in 0..MESSAGES {
            let sms = Request::post("/restapi/v1.0/account/~/extension/~/sms")
                .json(json!({"text": format!("message {i}")}))
                .group(ThrottlingGroup::Medium)
                .unauthenticated();
            outcomes.push(client.send(sms).await);
            steps.push(Instant::now());
        }
        (ids, outcomes)
    };
    // No timeout around the run: on the paused clock a pending timer would fire while the client awaits
    // the server. The run is bounded by the server's connection limit and the retry policy instead.
    let (ids, outcomes) = run.await;
    assert!(
        start.elapsed() < Duration::from_secs(600),
        "{:?}",
        start.elapsed()
    );

    assert_eq!(
        ids,
        (0..RECORDS as u64).collect::<Vec<_>>(),
        "each record once, in order"
    );
    let ledger = std::mem::take(&mut *ledger.lock().unwrap_or_else(|p| p.into_inner()));
    let failed: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().err()).collect();
    assert!(
        failed
            .iter()
            .all(|e| matches!(e.kind(), ErrorKind::Api | ErrorKind::Transport)),
        "{failed:?}"
    );
    assert_eq!(
        failed.len(),
        ledger.failed_after_acting,
        "exactly the POSTs that may have been acted on are reported, not resent"
    );
    assert_eq!(ledger.acted.len(), MESSAGES, "every SMS was acted on");
    assert!(
        ledger.acted.values().all(|n| *n == 1),
        "no SMS was acted on twice: {:?}",
        ledger.acted
    );
    // The plan really did inject the whole mix, at the rate asked.
    for kind in [
        "500",
        "502",
        "503",
        "503 Retry-After",
        "504",
        "429",
        "reset",
    ] {
        assert!(
            ledger.faults.contains_key(kind),
            "{kind}: {:?}",
            ledger.faults
        );
    }
    let faults: usize = ledger.faults.values().sum();
    let whole_blocks = ledger.requests / BLOCK * FAULTS_PER_BLOCK;
    assert!(
        faults >= whole_blocks && faults <= whole_blocks + FAULTS_PER_BLOCK,
        "{faults} faults in {} requests",
        ledger.requests
    );
    assert!(ledger.requests < MAX_CONNECTIONS);

    let longest = steps
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or_default();
    assert!(longest <= Duration::from_secs(10), "a stall of {longest:?}");
    let resent = ledger.requests - (RECORDS / PER_PAGE + MESSAGES);
    drop(client);
    let retries = announced.await.expect("event counter");
    assert_eq!(retries, resent, "every resend was announced");
}
