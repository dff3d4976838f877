//! A RingCentral-compatible sandbox server: a seeded company in SQLite, RingCentral's OAuth, errors,
//! paging and rate limits, served over HTTP on loopback.

mod clock;
mod error;
mod rng;
pub mod store;

pub use error::{Error, Result};
