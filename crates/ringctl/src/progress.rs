//! The one progress line on stderr. Commands make it through [`Output::progress`] or [`register`];
//! the runtime's events (rate-limit waits, retries) of every session reach whichever line is showing,
//! as `records 1,200 · waiting 12 s for the Medium rate limit`, so long work never stalls silently and
//! retries show there rather than as log lines.
//!
//! [`Output::progress`]: crate::output::Output::progress

use std::sync::Mutex;
use std::time::Duration;

use indicatif::ProgressBar;
use ringcentral::{Event, WaitCause};
use tokio::sync::broadcast::{Receiver, error::RecvError};

/// The line showing now, and its own message.
static CURRENT: Mutex<Option<(ProgressBar, String)>> = Mutex::new(None);

/// Makes `bar` the line that shows the runtime's waits; its message is `base` between them.
pub fn register(bar: &ProgressBar, base: &str) {
    bar.set_message(base.to_owned());
    if let Ok(mut current) = CURRENT.lock() {
        *current = Some((bar.clone(), base.to_owned()));
    }
}

/// Changes the line's own message (the step it is at).
pub fn set_base(bar: &ProgressBar, base: String) {
    bar.set_message(base.clone());
    if let Ok(mut current) = CURRENT.lock()
        && let Some((_, b)) = current.as_mut()
    {
        *b = base;
    }
}

/// What a wait or retry adds to the line; `None` for events too short to mention.
pub fn describe(event: &Event) -> Option<(String, Duration)> {
    match event {
        Event::Waiting { group, wait, cause } if *wait >= Duration::from_secs(1) => {
            let seconds = wait.as_secs_f64().round();
            let text = match cause {
                WaitCause::RetryAfter => format!(
                    "waiting {seconds} s as the server asked ({} group)",
                    group.as_str()
                ),
                _ => format!("waiting {seconds} s for the {} rate limit", group.as_str()),
            };
            Some((text, *wait))
        }
        Event::Retrying {
            attempt,
            wait,
            reason,
            ..
        } => Some((
            format!("retrying after attempt {attempt} ({reason})"),
            (*wait).max(Duration::from_secs(1)),
        )),
        _ => None,
    }
}

/// Shows a session's events on the current line until the session's client is gone. Each note
/// stays for as long as its wait, then the line's own message returns.
pub async fn forward(mut events: Receiver<Event>) {
    loop {
        let event = match events.recv().await {
            Ok(e) => e,
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return,
        };
        let Some((note, lasts)) = describe(&event) else {
            continue;
        };
        let shown = CURRENT.lock().ok().and_then(|c| c.clone());
        if let Some((bar, base)) = shown {
            bar.set_message(format!("{base} · {note}"));
            tokio::spawn(async move {
                tokio::time::sleep(lasts).await;
                let now = CURRENT.lock().ok().and_then(|c| c.clone());
                if let Some((bar, base)) = now {
                    bar.set_message(base);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringcentral::ThrottlingGroup;

    #[test]
    fn waits_read_as_a_person_would_say_them() {
        let wait = Event::Waiting {
            group: ThrottlingGroup::Medium,
            wait: Duration::from_millis(11_600),
            cause: WaitCause::Pacing,
        };
        let (text, lasts) = describe(&wait).expect("a note");
        assert_eq!(text, "waiting 12 s for the Medium rate limit");
        assert_eq!(lasts, Duration::from_millis(11_600));
        let short = Event::Waiting {
            group: ThrottlingGroup::Heavy,
            wait: Duration::from_millis(300),
            cause: WaitCause::Pacing,
        };
        assert!(describe(&short).is_none());
    }
}
