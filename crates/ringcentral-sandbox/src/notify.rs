//! Webhook notifications: when a message or a presence changes, every live WebHook subscription
//! whose event filter covers the change gets a POST with RingCentral's notification envelope
//! (`uuid`, `event`, `timestamp`, `subscriptionId`, `ownerId`, `body`). Delivery is best effort and
//! in the background; outcomes are counted in the stats.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use crate::state::AppState;
use crate::store::Subscription;

/// One change, as the event path it is published under and its notification body.
#[derive(Debug, Clone)]
pub struct Event {
    /// E.g. `/restapi/v1.0/account/1/extension/2/message-store`.
    pub path: String,
    /// Query parameters of the event (`type=SMS` for instant messages), matched against filters.
    pub query: Vec<(&'static str, String)>,
    pub owner_id: i64,
    pub body: Value,
}

/// Whether `filter` (an event filter of a subscription) covers `event`.
fn covers(filter: &str, event: &Event) -> bool {
    let (path, query) = filter.split_once('?').unwrap_or((filter, ""));
    if path.trim_end_matches('/') != event.path {
        return false;
    }
    url::form_urlencoded::parse(query.as_bytes())
        .all(|(k, v)| event.query.iter().any(|(ek, ev)| *ek == k && *ev == v))
}

/// Sends `events` to the subscriptions that want them.
pub fn publish(state: &Arc<AppState>, events: Vec<Event>) {
    if events.is_empty() {
        return;
    }
    let now = state.clock.now_ms();
    let subs = match state.store.live_subscriptions(now) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read subscriptions");
            return;
        }
    };
    for sub in subs.into_iter().filter(|s| s.transport_type == "WebHook") {
        for event in &events {
            if let Some(filter) = sub.event_filters.iter().find(|f| covers(f, event)) {
                let envelope = json!({
                    "uuid": uuid::Uuid::new_v4().to_string(),
                    "event": filter,
                    "timestamp": crate::clock::rfc3339_ms(now),
                    "subscriptionId": sub.id,
                    "ownerId": event.owner_id.to_string(),
                    "body": event.body,
                });
                deliver(state, &sub, envelope);
            }
        }
    }
}

fn deliver(state: &Arc<AppState>, sub: &Subscription, envelope: Value) {
    let Some(address) = sub.address.clone() else {
        return;
    };
    let state = state.clone();
    let token = sub.verification_token.clone();
    state.runtime.clone().spawn(async move {
        let mut req = state
            .webhooks
            .post(&address)
            .timeout(Duration::from_secs(10))
            .json(&envelope);
        if let Some(t) = token {
            req = req.header("Verification-Token", t);
        }
        let delivered = matches!(req.send().await, Ok(r) if r.status().is_success());
        state.stats.notification(delivered);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(query: &[(&'static str, &str)]) -> Event {
        Event {
            path: "/restapi/v1.0/account/1/extension/2/message-store/instant".into(),
            query: query.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
            owner_id: 2,
            body: Value::Null,
        }
    }

    #[test]
    fn filters_match_path_and_query() {
        assert!(covers(
            "/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS",
            &event(&[("type", "SMS")])
        ));
        assert!(covers(
            "/restapi/v1.0/account/1/extension/2/message-store/instant",
            &event(&[("type", "SMS")])
        ));
        assert!(!covers(
            "/restapi/v1.0/account/1/extension/2/message-store/instant?type=Fax",
            &event(&[("type", "SMS")])
        ));
        assert!(!covers(
            "/restapi/v1.0/account/1/extension/3/message-store/instant",
            &event(&[])
        ));
    }
}
