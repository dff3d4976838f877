//! A RingCentral-compatible sandbox server.

pub mod spec;
