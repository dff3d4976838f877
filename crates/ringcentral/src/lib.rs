//! RingCentral client runtime.
