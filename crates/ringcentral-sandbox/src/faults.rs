//! Injected failures for reliability tests: `--faults SPEC`, a comma-separated list of
//! `5xx=P` (500, 502, 503 or 504), `500=P`/`502=P`/`503=P`/`504=P`/`429=P` (that status),
//! `reset=P` (the connection is closed without an answer) and `latency=DURATION[@P]`
//! (`20ms`, `1.5s`; every request when `@P` is absent). Decisions are a function of the sandbox
//! seed and the request's sequence number, so a run can be replayed.

use std::time::Duration;

use crate::rng::Rng;

/// One fault and how often it strikes.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer with this status (0: one of 500, 502, 503, 504).
    Status(u16),
    Reset,
    Latency(Duration),
}

/// A parsed `--faults` value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultSpec {
    pub rules: Vec<(Fault, f64)>,
}

impl FaultSpec {
    pub fn none() -> FaultSpec {
        FaultSpec::default()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

fn probability(s: &str, item: &str) -> Result<f64, String> {
    s.parse::<f64>()
        .ok()
        .filter(|p| (0.0..=1.0).contains(p))
        .ok_or_else(|| format!("fault {item:?}: the rate must be a number from 0 to 1"))
}

fn duration(s: &str, item: &str) -> Result<Duration, String> {
    let bad = || format!("fault {item:?}: the latency must look like 20ms or 1.5s");
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else {
        return Err(bad());
    };
    let v: f64 = num.parse().map_err(|_| bad())?;
    if !(0.0..=600.0).contains(&(v * scale)) {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(v * scale))
}

impl std::str::FromStr for FaultSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut rules = Vec::new();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, value) = item
                .split_once('=')
                .ok_or_else(|| format!("fault {item:?}: expected NAME=VALUE, e.g. 5xx=0.05"))?;
            let rule = match name.trim() {
                "5xx" => (Fault::Status(0), probability(value, item)?),
                code @ ("500" | "502" | "503" | "504" | "429") => (
                    Fault::Status(code.parse().unwrap_or(500)),
                    probability(value, item)?,
                ),
                "reset" => (Fault::Reset, probability(value, item)?),
                "latency" => {
                    let (d, p) = match value.split_once('@') {
                        Some((d, p)) => (d, probability(p, item)?),
                        None => (value, 1.0),
                    };
                    (Fault::Latency(duration(d, item)?), p)
                }
                other => {
                    return Err(format!(
                        "unknown fault {other:?}; use 5xx, 500, 502, 503, 504, 429, reset or latency"
                    ));
                }
            };
            rules.push(rule);
        }
        Ok(FaultSpec { rules })
    }
}

/// What to do to one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub latency: Duration,
    pub status: Option<u16>,
    pub reset: bool,
}

/// Rolls the dice for each request.
#[derive(Debug)]
pub struct Injector {
    // Behind a lock so a test can change the faults of a running sandbox; `active` keeps the lock
    // off the path of a sandbox that has none.
    spec: std::sync::RwLock<FaultSpec>,
    active: std::sync::atomic::AtomicBool,
    seed: u64,
    counter: std::sync::atomic::AtomicU64,
}

const FAULT_STREAM: u64 = 0xFA17;

impl Injector {
    pub fn new(spec: FaultSpec, seed: u64) -> Injector {
        Injector {
            active: (!spec.is_empty()).into(),
            spec: std::sync::RwLock::new(spec),
            seed,
            counter: Default::default(),
        }
    }

    /// Replaces the faults from the next request on.
    pub fn set(&self, spec: FaultSpec) {
        let active = !spec.is_empty();
        match self.spec.write() {
            Ok(mut guard) => *guard = spec,
            Err(poisoned) => *poisoned.into_inner() = spec,
        }
        self.active
            .store(active, std::sync::atomic::Ordering::Release);
    }

    pub fn plan(&self) -> Plan {
        if !self.active.load(std::sync::atomic::Ordering::Acquire) {
            return Plan::default();
        }
        let n = self
            .counter
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match self.spec.read() {
            Ok(spec) => plan_for(&spec, self.seed, n),
            Err(poisoned) => plan_for(&poisoned.into_inner(), self.seed, n),
        }
    }
}

fn plan_for(spec: &FaultSpec, seed: u64, n: u64) -> Plan {
    let mut rng = Rng::derive(seed, FAULT_STREAM, n);
    let mut plan = Plan::default();
    for (fault, p) in &spec.rules {
        let hit = rng.chance(*p);
        match fault {
            Fault::Latency(d) if hit => plan.latency += *d,
            Fault::Status(code) if hit && plan.status.is_none() && !plan.reset => {
                plan.status = Some(if *code == 0 {
                    *rng.pick(&[500, 502, 503, 504])
                } else {
                    *code
                });
            }
            Fault::Reset if hit && plan.status.is_none() => plan.reset = true,
            _ => {}
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_grammar() {
        let spec: FaultSpec = "5xx=0.05, reset=0.01,latency=20ms@0.1,latency=1.5s,503=1"
            .parse()
            .unwrap_or_default();
        assert_eq!(
            spec.rules,
            vec![
                (Fault::Status(0), 0.05),
                (Fault::Reset, 0.01),
                (Fault::Latency(Duration::from_millis(20)), 0.1),
                (Fault::Latency(Duration::from_millis(1500)), 1.0),
                (Fault::Status(503), 1.0),
            ]
        );
        for bad in [
            "5xx",
            "5xx=2",
            "teapot=0.1",
            "latency=fast",
            "latency=20ms@x",
        ] {
            assert!(bad.parse::<FaultSpec>().is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn rates_hold_and_runs_replay() {
        let spec: FaultSpec = "5xx=0.2".parse().unwrap_or_default();
        let hits = (0..5000)
            .filter(|n| plan_for(&spec, 9, *n).status.is_some())
            .count();
        assert!((800..1200).contains(&hits), "{hits} of 5000");
        let a: Vec<_> = (0..100).map(|n| plan_for(&spec, 9, n)).collect();
        let b: Vec<_> = (0..100).map(|n| plan_for(&spec, 9, n)).collect();
        assert_eq!(a, b);
        assert!(
            a.iter()
                .filter_map(|p| p.status)
                .all(|s| [500, 502, 503, 504].contains(&s))
        );
    }
}
