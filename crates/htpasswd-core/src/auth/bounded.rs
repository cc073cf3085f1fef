//! A hash map bounded in entries that evicts the oldest inserted entry first (FIFO), in O(1)
//! amortised time. The tables of the verdict cache and of the throttle are made of these.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

#[derive(Debug)]
struct Slot<V> {
    value: V,
    /// Insertion number, matching one record of the order queue.
    seq: u64,
}

#[derive(Debug)]
pub(crate) struct BoundedMap<K, V> {
    map: HashMap<K, Slot<V>>,
    /// Keys in insertion order, with the insertion number they had (stale records skipped).
    order: VecDeque<(K, u64)>,
    next: u64,
    max: usize,
}

impl<K: Hash + Eq + Clone, V> BoundedMap<K, V> {
    /// An empty map holding at most `max` entries (at least one).
    pub(crate) fn new(max: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            next: 0,
            max: max.max(1),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.map.get(key).map(|s| &s.value)
    }

    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        // Its order record turns stale and is skipped later.
        let removed = self.map.remove(key).map(|s| s.value);
        self.compact();
        removed
    }

    /// Inserts or replaces `key` (a replaced entry counts as newest), evicting the oldest entries
    /// while the map is full.
    pub(crate) fn insert(&mut self, key: K, value: V) {
        if !self.map.contains_key(&key) {
            self.make_room();
        }
        let seq = self.next;
        self.next += 1;
        self.order.push_back((key.clone(), seq));
        self.map.insert(key, Slot { value, seq });
        self.compact();
    }

    /// Gets `key`'s value, inserting `make()` first when absent.
    pub(crate) fn get_or_insert_with(&mut self, key: &K, make: impl FnOnce() -> V) -> &mut V {
        if !self.map.contains_key(key) {
            self.make_room();
        }
        let (next, order) = (&mut self.next, &mut self.order);
        &mut self
            .map
            .entry(key.clone())
            .or_insert_with(|| {
                let seq = *next;
                *next += 1;
                order.push_back((key.clone(), seq));
                Slot { value: make(), seq }
            })
            .value
    }

    /// Evicts the oldest entries until one more fits.
    fn make_room(&mut self) {
        while self.map.len() >= self.max {
            let Some((old, seq)) = self.order.pop_front() else {
                break;
            };
            if self.map.get(&old).is_some_and(|s| s.seq == seq) {
                self.map.remove(&old);
            }
        }
    }

    /// Keeps only the entries for which `keep` returns `true`.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.map.retain(|k, s| keep(k, &mut s.value));
        self.compact();
    }

    pub(crate) fn clear(&mut self) {
        self.map.clear();
        self.order.clear();
    }

    /// Drops stale order records once they outnumber the live entries, so the queue stays
    /// within twice the bound.
    fn compact(&mut self) {
        if self.order.len() > 2 * self.map.len() + 16 {
            let map = &self.map;
            self.order
                .retain(|(k, seq)| map.get(k).is_some_and(|s| s.seq == *seq));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::BoundedMap;

    #[test]
    fn evicts_oldest_first_and_stays_bounded() {
        let mut m = BoundedMap::new(3);
        for i in 0..10u32 {
            m.insert(i, i * 10);
            assert!(m.len() <= 3);
        }
        assert_eq!(m.get(&9), Some(&90));
        assert_eq!(m.get(&7), Some(&70));
        assert_eq!(m.get(&6), None);
        // Replacing 7 makes it newest: 8 is now the oldest.
        m.insert(7, 71);
        m.insert(10, 100);
        assert_eq!(m.get(&8), None);
        assert_eq!(m.get(&7), Some(&71));
        m.retain(|k, _| *k != 7);
        assert_eq!(m.get(&7), None);
        for i in 0..1000u32 {
            m.insert(i % 5, i);
            m.remove(&(i % 5));
        }
        assert!(m.order.len() <= 2 * m.len() + 16);
    }
}
