//! The RingCentral action catalog.
