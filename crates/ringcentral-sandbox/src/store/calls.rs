//! Calls seen account-wide and calls placed through the sandbox: the company call log and active
//! calls (paged in SQL over the records that exist), and RingOut calls, which progress with the
//! sandbox's clock and keep their call log record in step.

use rusqlite::types::Value as SqlValue;
use rusqlite::{OptionalExtension, params, params_from_iter};
use serde::{Deserialize, Serialize};

use super::{CallFilter, CallRecord, Store, from_json, json_row, to_json};
use crate::error::Result;

/// How many user extensions of an account (the first ones by id) get their call history seeded
/// when the company call log is first read. Call history is otherwise seeded per user on first
/// use, so in a larger account the company log holds these users' records plus every record that
/// exists for the others (their own log was read, or they placed a call): the work of one request
/// stays bounded whatever the size of the company.
pub const COMPANY_SEEDED_USERS: usize = 1000;

/// The `lazy_seeded` kind marking an account whose company call history was seeded.
const COMPANY_KIND: &str = "company-calls";

/// A RingOut call: the sandbox rings `from` first, then connects `to`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RingOut {
    pub id: String,
    pub extension_id: i64,
    pub created_ms: i64,
    /// When the called party answers: both legs are connected from then on.
    pub connect_ms: i64,
    /// When the call ends (on its own, or when it was cancelled).
    pub ends_ms: i64,
    pub from: String,
    pub to: String,
    /// The call log record of the call.
    pub call_id: String,
    #[serde(default)]
    pub cancelled: bool,
}

/// What a RingOut call is doing at some moment, as `CallingStatusInfo` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingOutStatus {
    pub call: &'static str,
    pub caller: &'static str,
    pub callee: &'static str,
}

impl RingOut {
    pub fn status(&self, now_ms: i64) -> RingOutStatus {
        if now_ms >= self.ends_ms {
            if self.ends_ms < self.connect_ms {
                // Cancelled before the called party answered.
                RingOutStatus {
                    call: "Finished",
                    caller: "Finished",
                    callee: "Finished",
                }
            } else {
                RingOutStatus {
                    call: "Success",
                    caller: "Finished",
                    callee: "Finished",
                }
            }
        } else if now_ms >= self.connect_ms {
            RingOutStatus {
                call: "Success",
                caller: "Success",
                callee: "Success",
            }
        } else {
            RingOutStatus {
                call: "InProgress",
                caller: "InProgress",
                callee: "InProgress",
            }
        }
    }
}

impl Store {
    /// Seeds the call history of the account's first [`COMPANY_SEEDED_USERS`] user extensions,
    /// once per account.
    fn ensure_company_calls(&self, account_id: i64, now_ms: i64) -> Result<()> {
        if self.is_seeded(account_id, COMPANY_KIND)? {
            return Ok(());
        }
        let meta = self.meta().clone();
        self.write(|tx| {
            let ids: Vec<i64> = tx
                .prepare_cached(
                    "SELECT id FROM (SELECT id FROM extensions WHERE account_id = ?1 AND type = 'User' \
                     ORDER BY id LIMIT ?2) e WHERE NOT EXISTS \
                     (SELECT 1 FROM lazy_seeded l WHERE l.extension_id = e.id AND l.kind = 'calls')",
                )?
                .query_map(params![account_id, COMPANY_SEEDED_USERS as i64], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for id in ids {
                tx.execute(
                    "INSERT OR IGNORE INTO lazy_seeded(extension_id, kind) VALUES (?1, 'calls')",
                    params![id],
                )?;
                self.seeder.lazy(tx, &meta, id, "calls", now_ms)?;
            }
            tx.execute(
                "INSERT OR IGNORE INTO lazy_seeded(extension_id, kind) VALUES (?1, ?2)",
                params![account_id, COMPANY_KIND],
            )?;
            Ok(())
        })
    }

    /// One page (`offset`, `limit`) of the account's call records that `filter` selects, newest
    /// first, and how many there are in all.
    pub fn company_calls(
        &self,
        account_id: i64,
        filter: &CallFilter,
        offset: usize,
        limit: usize,
        now_ms: i64,
    ) -> Result<(Vec<CallRecord>, usize)> {
        self.ensure_company_calls(account_id, now_ms)?;
        self.settle_ringouts(now_ms)?;
        let (clause, mut args) = company_where(account_id, filter);
        self.read(|c| {
            let total: i64 = c
                .prepare_cached(&format!("SELECT COUNT(*) FROM call_log WHERE {clause}"))?
                .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
            args.push(SqlValue::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
            args.push(SqlValue::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
            let mut st = c.prepare_cached(&format!(
                "SELECT data FROM call_log WHERE {clause} ORDER BY start_ms DESC, id LIMIT ? OFFSET ?"
            ))?;
            let rows = st.query_map(params_from_iter(args.iter()), |r| r.get::<_, String>(0))?;
            let mut out = Vec::new();
            for r in rows {
                out.push(from_json("call record", &r?)?);
            }
            Ok((out, usize::try_from(total).unwrap_or(0)))
        })
    }

    /// A call record of any extension of the account. A seeded record's owner gets its call
    /// history seeded first, so every record the account would hold can be read.
    pub fn company_call(
        &self,
        account_id: i64,
        id: &str,
        now_ms: i64,
    ) -> Result<Option<CallRecord>> {
        if let Some(owner) = self.seeder.call_owner(self.meta(), id) {
            self.ensure_lazy(owner, "calls", now_ms)?;
        }
        self.settle_ringouts(now_ms)?;
        self.read(|c| {
            json_row(
                c,
                "call record",
                "SELECT data FROM call_log WHERE id = ?1 AND EXISTS (SELECT 1 FROM extensions e \
                 WHERE e.id = call_log.extension_id AND e.account_id = ?2)",
                params![id, account_id],
            )
        })
    }

    /// Stores a new RingOut call and its call log record, in progress.
    pub fn create_ringout(&self, ringout: &RingOut, record: &CallRecord) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO ringouts(id, extension_id, ends_ms, settled, data) VALUES (?1, ?2, ?3, 0, ?4)",
                params![ringout.id, ringout.extension_id, ringout.ends_ms, to_json(ringout)],
            )?;
            super::mailbox::save_call(tx, record)?;
            Ok(())
        })
    }

    /// A RingOut call of the extension that was not cancelled.
    pub fn ringout(&self, extension_id: i64, id: &str, now_ms: i64) -> Result<Option<RingOut>> {
        self.settle_ringouts(now_ms)?;
        let found: Option<RingOut> = self.read(|c| {
            json_row(
                c,
                "ringout",
                "SELECT data FROM ringouts WHERE extension_id = ?1 AND id = ?2",
                params![extension_id, id],
            )
        })?;
        Ok(found.filter(|r| !r.cancelled))
    }

    /// Cancels a RingOut call: a call still under way ends now. `false` when there is no such
    /// call (or it was cancelled already).
    pub fn cancel_ringout(&self, extension_id: i64, id: &str, now_ms: i64) -> Result<bool> {
        let Some(mut ringout) = self.ringout(extension_id, id, now_ms)? else {
            return Ok(false);
        };
        ringout.cancelled = true;
        let still_on = ringout.ends_ms > now_ms;
        if still_on {
            ringout.ends_ms = now_ms;
        }
        self.write(|tx| {
            tx.execute(
                "UPDATE ringouts SET data = ?1, ends_ms = ?2, settled = CASE WHEN ?3 THEN 0 ELSE settled END WHERE id = ?4",
                params![to_json(&ringout), ringout.ends_ms, still_on, ringout.id],
            )?;
            Ok(())
        })?;
        self.settle_ringouts(now_ms)?;
        Ok(true)
    }

    /// Ends, in the call log, the RingOut calls whose time is up.
    pub(crate) fn settle_ringouts(&self, now_ms: i64) -> Result<()> {
        let due: bool = self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT 1 FROM ringouts WHERE settled = 0 AND ends_ms <= ?1 LIMIT 1",
            )?
            .query_row([now_ms], |_| Ok(()))
            .optional()?
            .is_some())
        })?;
        if !due {
            return Ok(());
        }
        self.write(|tx| {
            let due: Vec<String> = tx
                .prepare_cached("SELECT data FROM ringouts WHERE settled = 0 AND ends_ms <= ?1")?
                .query_map([now_ms], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for text in due {
                let ringout: RingOut = from_json("ringout", &text)?;
                let record: Option<CallRecord> = json_row(
                    tx,
                    "call record",
                    "SELECT data FROM call_log WHERE id = ?1",
                    params![ringout.call_id],
                )?;
                if let Some(mut record) = record {
                    let connected = ringout.ends_ms >= ringout.connect_ms;
                    record.active = false;
                    record.result = if connected {
                        "Call connected"
                    } else {
                        "Hang Up"
                    }
                    .into();
                    record.duration_s = if connected {
                        (ringout.ends_ms - ringout.connect_ms) / 1000
                    } else {
                        0
                    };
                    super::mailbox::save_call(tx, &record)?;
                }
                tx.execute(
                    "UPDATE ringouts SET settled = 1 WHERE id = ?1",
                    params![ringout.id],
                )?;
            }
            Ok(())
        })
    }
}

/// The `WHERE` clause (with its arguments) that selects the account's records `filter` keeps; it
/// mirrors `CallFilter::matches` over the stored columns and JSON. The account is checked per record
/// (a primary-key lookup) rather than by listing the account's extensions, whose number is the
/// company's size.
fn company_where(account_id: i64, f: &CallFilter) -> (String, Vec<SqlValue>) {
    let mut clause = String::from(
        "active = ? AND EXISTS (SELECT 1 FROM extensions e WHERE e.id = call_log.extension_id AND e.account_id = ?)",
    );
    let mut args = vec![
        SqlValue::Integer(f.active as i64),
        SqlValue::Integer(account_id),
    ];
    let text = |s: &str| SqlValue::Text(s.to_owned());
    let one_of =
        |clause: &mut String, args: &mut Vec<SqlValue>, column: &str, values: &[String]| {
            if values.is_empty() {
                return;
            }
            let marks = vec!["?"; values.len()].join(", ");
            clause.push_str(&format!(" AND {column} IN ({marks})"));
            args.extend(values.iter().map(|v| text(v)));
        };
    one_of(&mut clause, &mut args, "direction", &f.directions);
    one_of(&mut clause, &mut args, "type", &f.kinds);
    one_of(
        &mut clause,
        &mut args,
        "json_extract(data, '$.transport')",
        &f.transports,
    );
    if let Some(from) = f.from_ms {
        clause.push_str(" AND start_ms >= ?");
        args.push(SqlValue::Integer(from));
    }
    if let Some(to) = f.to_ms {
        clause.push_str(" AND start_ms <= ?");
        args.push(SqlValue::Integer(to));
    }
    if let Some(s) = &f.session_id {
        clause.push_str(" AND json_extract(data, '$.sessionId') = ?");
        args.push(text(s));
    }
    if let Some(s) = &f.telephony_session_id {
        clause.push_str(" AND json_extract(data, '$.telephonySessionId') = ?");
        args.push(text(s));
    }
    if let Some(p) = &f.phone_number {
        clause.push_str(
            " AND (json_extract(data, '$.from.phoneNumber') = ? OR json_extract(data, '$.to.phoneNumber') = ?)",
        );
        args.extend([text(p), text(p)]);
    }
    if let Some(n) = &f.extension_number {
        clause.push_str(
            " AND (json_extract(data, '$.from.extensionNumber') = ? OR json_extract(data, '$.to.extensionNumber') = ?)",
        );
        args.extend([text(n), text(n)]);
    }
    if f.with_recording {
        clause.push_str(" AND json_extract(data, '$.recordingId') IS NOT NULL");
    }
    (clause, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ringout_rings_then_connects_then_ends() {
        let r = RingOut {
            id: "r".into(),
            extension_id: 1,
            created_ms: 1_000,
            connect_ms: 11_000,
            ends_ms: 71_000,
            from: "+16505550100".into(),
            to: "+16505550101".into(),
            call_id: "c".into(),
            cancelled: false,
        };
        assert_eq!(r.status(1_000).call, "InProgress");
        assert_eq!(r.status(10_999).callee, "InProgress");
        assert_eq!(r.status(11_000).call, "Success");
        assert_eq!(r.status(11_000).caller, "Success");
        assert_eq!(r.status(71_000).caller, "Finished");
        assert_eq!(r.status(71_000).call, "Success");
        let hung_up = RingOut {
            ends_ms: 5_000,
            ..r
        };
        assert_eq!(hung_up.status(6_000).call, "Finished");
    }
}
