//! Pieces shared by the commands' JSON: lists serialized item by item
//! through a view (nothing collected), and the recorded ledger entry.

use serde::Serialize;

/// A list serialized item by item through a view, without collecting the views.
pub struct Each<'a, T, V>(pub &'a [T], pub fn(&'a T) -> V);

impl<T, V> Each<'_, T, V> {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a, T, V: Serialize> Serialize for Each<'a, T, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(self.1))
    }
}

/// `"ledger": {"seq": N}`: the entry a run appended.
#[derive(Serialize)]
pub struct LedgerJson {
    pub seq: u64,
}
