//! A RingCentral-compatible sandbox server.
