//! The state every request shares: the store, the clock, the route and handler tables, and the
//! sandbox's settings, counters and limiters.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::clock::Clock;
use crate::fallback::Fallback;
use crate::faults::Injector;
use crate::handlers::Entry;
use crate::limits::RateLimiter;
use crate::router::Router;
use crate::stats::Stats;
use crate::store::Store;

/// Everything a request may touch.
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    pub token_ttl_s: i64,
    pub refresh_ttl_s: i64,
    pub router: Router,
    pub handlers: HashMap<&'static str, Entry>,
    pub fallback: Arc<dyn Fallback>,
    /// Checks the requests of stateful operations against the spec before their handler runs.
    pub checker: crate::spec::SpecAnswerer,
    pub scim_rules: crate::scim::ScimRules,
    /// Whether WebHook addresses are checked before they are subscribed.
    pub webhook_validation: bool,
    pub limits: RateLimiter,
    pub faults: Injector,
    pub stats: Arc<Stats>,
    /// How long a request's body may take to arrive once its head has.
    pub body_timeout: Duration,
    pub local_url: String,
    /// Runs background work (webhook deliveries) started from blocking handlers.
    pub runtime: tokio::runtime::Handle,
    pub webhooks: reqwest::Client,
}
