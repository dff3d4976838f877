//! Identity lifecycle for RingCentral, as access-governance products do it and beyond: users from
//! SCIM with their status (Active, Suspended, or Deprovisioned once SCIM no longer returns them),
//! suspend and reactivate (SCIM PATCH of `active`), deprovision (SCIM DELETE) after an impact report
//! of everything that still routes to the user, a handover of those duties to a successor, journaled
//! bulk runs that resume after any stop without applying a change twice, and an append-only audit log.
//!
//! Everything goes through [`ringcentral::Client`], so authentication, rate limits and retries are the
//! runtime's; state lives in a per-connection SQLite [`Ledger`].
//!
//! ```no_run
//! # async fn demo(client: ringcentral::Client) -> ringcentral_lifecycle::Result<()> {
//! use futures::TryStreamExt;
//! use ringcentral_lifecycle::{Ledger, scim};
//!
//! let mut ledger = Ledger::open(std::path::Path::new("lifecycle.db"))?;
//! let users: Vec<_> = scim::list_users(&client).try_collect().await?;
//! ledger.record_listing(users.into_iter().map(Ok))?;
//! ledger.each_user(None, |u| {
//!     println!("{} {}", u.email, u.status);
//!     Ok(())
//! })?;
//! # Ok(()) }
//! ```

mod error;
pub mod impact;
mod ledger;
pub mod run;
pub mod scim;
mod user;

pub use error::{Error, Result};
pub use impact::{Impact, ImpactItem, Subject};
pub use ledger::{AuditEntry, KnownUser, Ledger, Listing, NewAudit, StepState, SyncSummary};
pub use run::{
    Actor, Change, Outcome, PlannedStep, Progress, Quiet, RunReport, Runner, StepResult,
    change_step, handover_steps, resolve,
};
pub use user::{ScimUser, Status, primary_email, same_email};
