//! Rate limits per throttling group, counted per app and user in fixed windows as RingCentral does:
//! Light 50, Medium 40, Heavy 10 and Auth 5 requests per 60 s, with a penalty interval after a 429.

use std::collections::HashMap;
use std::sync::Mutex;

use ringcentral_api::ThrottlingGroup;

/// How the sandbox enforces rate limits.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum RateLimitMode {
    /// No limits and no rate-limit headers.
    #[default]
    Off,
    /// RingCentral's limits with 60 s windows.
    Real,
    /// RingCentral's limits with windows (and penalties) of 60 s times the factor.
    Scale(f64),
}

impl std::str::FromStr for RateLimitMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "off" => Ok(RateLimitMode::Off),
            "real" => Ok(RateLimitMode::Real),
            other => {
                let f = other
                    .strip_prefix("scale=")
                    .and_then(|f| f.parse::<f64>().ok())
                    .filter(|f| f.is_finite() && *f > 0.0)
                    .ok_or_else(|| {
                        format!("{other:?} is not a rate-limit mode; use off, real or scale=FACTOR (e.g. scale=0.01)")
                    })?;
                Ok(RateLimitMode::Scale(f))
            }
        }
    }
}

impl RateLimitMode {
    fn window_ms(self) -> Option<i64> {
        match self {
            RateLimitMode::Off => None,
            RateLimitMode::Real => Some(60_000),
            RateLimitMode::Scale(f) => Some(((60_000.0 * f).round() as i64).max(1)),
        }
    }
}

/// The outcome of counting one request.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Limits are off (or the group is not throttled).
    Unlimited,
    Allowed {
        group: ThrottlingGroup,
        limit: u32,
        remaining: u32,
        window_ms: i64,
    },
    Limited {
        group: ThrottlingGroup,
        limit: u32,
        window_ms: i64,
        retry_after_s: u64,
    },
}

#[derive(Debug, Default)]
struct Window {
    start_ms: i64,
    count: u32,
    blocked_until_ms: i64,
}

/// Fixed-window counters keyed by (group, app, user).
#[derive(Debug, Default)]
pub struct RateLimiter {
    mode: RateLimitMode,
    windows: Mutex<HashMap<(ThrottlingGroup, String), Window>>,
}

impl RateLimiter {
    pub fn new(mode: RateLimitMode) -> RateLimiter {
        RateLimiter {
            mode,
            windows: Mutex::default(),
        }
    }

    /// Counts a request of `group` by `key` (app and user) at `now_ms`.
    pub fn check(&self, group: Option<ThrottlingGroup>, key: &str, now_ms: i64) -> Decision {
        let (Some(window_ms), Some(group)) = (self.mode.window_ms(), group) else {
            return Decision::Unlimited;
        };
        let Some((limit, _)) = group.default_limit() else {
            return Decision::Unlimited;
        };
        let mut map = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let w = map.entry((group, key.to_owned())).or_default();
        if now_ms < w.blocked_until_ms {
            let retry = ((w.blocked_until_ms - now_ms + 999) / 1000).max(1) as u64;
            return Decision::Limited {
                group,
                limit,
                window_ms,
                retry_after_s: retry,
            };
        }
        if now_ms >= w.start_ms + window_ms {
            w.start_ms = now_ms;
            w.count = 0;
        }
        if w.count >= limit {
            // The penalty interval equals the window.
            w.blocked_until_ms = now_ms + window_ms;
            w.start_ms = w.blocked_until_ms;
            w.count = 0;
            let retry = ((window_ms + 999) / 1000).max(1) as u64;
            return Decision::Limited {
                group,
                limit,
                window_ms,
                retry_after_s: retry,
            };
        }
        w.count += 1;
        Decision::Allowed {
            group,
            limit,
            remaining: limit - w.count,
            window_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_modes() {
        assert_eq!("off".parse(), Ok(RateLimitMode::Off));
        assert_eq!("real".parse(), Ok(RateLimitMode::Real));
        assert_eq!("scale=0.5".parse(), Ok(RateLimitMode::Scale(0.5)));
        assert!("scale=0".parse::<RateLimitMode>().is_err());
        assert!("fast".parse::<RateLimitMode>().is_err());
    }

    #[test]
    fn heavy_allows_ten_then_blocks_for_the_penalty() {
        let l = RateLimiter::new(RateLimitMode::Real);
        let g = Some(ThrottlingGroup::Heavy);
        for i in 0..10 {
            assert!(
                matches!(l.check(g, "app/1", 1000 + i), Decision::Allowed { remaining, .. } if remaining == 9 - i as u32)
            );
        }
        assert!(matches!(
            l.check(g, "app/1", 2000),
            Decision::Limited {
                retry_after_s: 60,
                ..
            }
        ));
        // Another user of the same app has its own budget.
        assert!(matches!(
            l.check(g, "app/2", 2000),
            Decision::Allowed { .. }
        ));
        assert!(matches!(
            l.check(g, "app/1", 61_000),
            Decision::Limited { .. }
        ));
        assert!(matches!(
            l.check(g, "app/1", 62_001),
            Decision::Allowed { remaining: 9, .. }
        ));
    }

    #[test]
    fn scaled_windows_are_shorter() {
        let l = RateLimiter::new(RateLimitMode::Scale(0.01));
        let g = Some(ThrottlingGroup::Auth);
        for _ in 0..5 {
            assert!(matches!(l.check(g, "k", 0), Decision::Allowed { .. }));
        }
        assert!(matches!(
            l.check(g, "k", 10),
            Decision::Limited {
                retry_after_s: 1,
                ..
            }
        ));
        assert!(matches!(l.check(g, "k", 611), Decision::Allowed { .. }));
        assert_eq!(
            RateLimiter::new(RateLimitMode::Off).check(g, "k", 0),
            Decision::Unlimited
        );
    }
}
