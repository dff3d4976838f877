//! Results of hot reads kept for as long as the store has not changed: the rendered answer of an
//! extension, the session of an access token. An entry is tagged with the store's generation read
//! before it was computed, so a write during the computation only makes the next read compute it
//! again; nothing stale is ever served. Written here rather than with a caching crate because
//! validity is the store's change count, not time or size.

use std::collections::HashMap;
use std::sync::Mutex;

/// Entries beyond this are dropped all at once: the hot set of a test suite or a benchmark is
/// far smaller, and a full map only costs one recomputation per key.
const CAPACITY: usize = 4096;

/// A map from key to the value computed at a store generation.
pub struct Memo<V> {
    entries: Mutex<HashMap<String, (u64, V)>>,
}

impl<V: Clone> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> Memo<V> {
    /// The value of `key` at `generation`, computing and keeping it when the one kept is older.
    /// With no generation (a store other processes may change) nothing is kept.
    pub fn get_or<E>(
        &self,
        generation: Option<u64>,
        key: &str,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<V, E> {
        let Some(generation) = generation else {
            return compute();
        };
        if let Some((at, value)) = self.lock().get(key)
            && *at == generation
        {
            return Ok(value.clone());
        }
        let value = compute()?;
        let mut entries = self.lock();
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key.to_owned(), (generation, value.clone()));
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (u64, V)>> {
        // Entries are whole values: a panic elsewhere cannot leave one half-written.
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_value_is_computed_again_only_when_the_generation_moves() {
        let memo: Memo<u32> = Memo::default();
        let runs = Cell::new(0);
        let compute = || -> Result<u32, ()> {
            runs.set(runs.get() + 1);
            Ok(runs.get())
        };
        assert_eq!(memo.get_or(Some(1), "k", compute), Ok(1));
        assert_eq!(memo.get_or(Some(1), "k", compute), Ok(1));
        assert_eq!(memo.get_or(Some(2), "k", compute), Ok(2));
        assert_eq!(memo.get_or(Some(2), "other", compute), Ok(3));
        assert_eq!(runs.get(), 3);
    }

    #[test]
    fn without_a_generation_nothing_is_kept_and_errors_are_not_kept() {
        let memo: Memo<u32> = Memo::default();
        let runs = Cell::new(0);
        let compute = || -> Result<u32, ()> {
            runs.set(runs.get() + 1);
            Ok(7)
        };
        memo.get_or(None, "k", compute).ok();
        memo.get_or(None, "k", compute).ok();
        assert_eq!(runs.get(), 2);
        assert_eq!(memo.get_or(Some(1), "e", || Err::<u32, _>("no")), Err("no"));
        assert_eq!(memo.get_or(Some(1), "e", compute), Ok(7));
    }
}
