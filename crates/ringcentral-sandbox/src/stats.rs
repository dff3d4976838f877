//! Counters behind `GET /sandbox/v1/stats`, so tests and benchmarks can see from outside how many
//! requests, 429s, token grants and refreshes the sandbox served.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Value, json};

#[derive(Debug, Default)]
struct Counts {
    total: u64,
    by_status: BTreeMap<u16, u64>,
    by_group: BTreeMap<String, u64>,
    by_operation: BTreeMap<String, u64>,
    rate_limited: u64,
    grants: BTreeMap<String, u64>,
    refreshes: u64,
    revocations: u64,
    faults: BTreeMap<String, u64>,
    notifications_delivered: u64,
    notifications_failed: u64,
    connections: BTreeMap<String, u64>,
}

/// Counts one more under `key`, allocating the key only the first time.
fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_owned(), 1);
        }
    }
}

#[derive(Debug, Default)]
pub struct Stats {
    counts: Mutex<Counts>,
}

impl Stats {
    fn with(&self, f: impl FnOnce(&mut Counts)) {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut c);
    }

    pub fn request(&self, status: u16, group: Option<&str>, operation: Option<&str>) {
        self.with(|c| {
            c.total += 1;
            *c.by_status.entry(status).or_default() += 1;
            if let Some(g) = group {
                bump(&mut c.by_group, g);
            }
            if let Some(o) = operation {
                bump(&mut c.by_operation, o);
            }
            if status == 429 {
                c.rate_limited += 1;
            }
        });
    }

    /// A token issued by a grant (`refresh_token` grants count as refreshes too).
    pub fn grant(&self, grant_type: &str) {
        self.with(|c| {
            *c.grants.entry(grant_type.to_owned()).or_default() += 1;
            if grant_type == "refresh_token" {
                c.refreshes += 1;
            }
        });
    }

    pub fn revocation(&self) {
        self.with(|c| c.revocations += 1);
    }

    pub fn fault(&self, kind: &str) {
        self.with(|c| *c.faults.entry(kind.to_owned()).or_default() += 1);
    }

    /// A webhook notification that was (or was not) accepted by its receiver.
    pub fn notification(&self, delivered: bool) {
        self.with(|c| {
            if delivered {
                c.notifications_delivered += 1;
            } else {
                c.notifications_failed += 1;
            }
        });
    }

    /// A connection event: `accepted`, `acceptFailed`, `headerTimeouts`, `idleTimeouts`.
    pub fn connection(&self, event: &str) {
        self.with(|c| bump(&mut c.connections, event));
    }

    pub fn to_json(&self) -> Value {
        let c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        json!({
            "requests": {
                "total": c.total,
                "byStatus": c.by_status.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
                "byThrottlingGroup": c.by_group,
                "byOperation": c.by_operation,
            },
            "rateLimited": c.rate_limited,
            "tokens": {
                "grants": c.grants,
                "refreshes": c.refreshes,
                "revocations": c.revocations,
            },
            "faults": c.faults,
            "notifications": {"delivered": c.notifications_delivered, "failed": c.notifications_failed},
            "connections": c.connections,
        })
    }
}
