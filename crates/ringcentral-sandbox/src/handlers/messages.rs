//! messages handlers.

use super::Entry;

pub fn entries() -> Vec<Entry> {
    vec![]
}
