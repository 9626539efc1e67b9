//! Exact histograms of whole-second values and nearest-rank percentiles.
//!
//! A histogram keeps one count per distinct value, never the values
//! themselves, so its memory grows with the number of distinct seconds, not
//! with the number of tickets. Values below [`DENSE_LIMIT`] (48.5 days) fall
//! in pages of [`PAGE`] seconds. A page starts as a short list of (second,
//! count) pairs; once it holds [`SPARSE_MAX`] distinct seconds it turns into
//! one-byte counters for every second of the page (4 KiB, no more than the
//! list it replaces), where a counter that passes 255 carries into a page
//! of wide counters that only the busiest pages need. Larger values go to an
//! ordered map. Either way a distinct value costs at most about 16 bytes.

use std::collections::BTreeMap;

/// Seconds per page (bits).
const PAGE_BITS: u32 = 12;
/// Seconds per page.
pub const PAGE: usize = 1 << PAGE_BITS;
/// Distinct seconds a page lists before it turns dense.
pub const SPARSE_MAX: usize = 256;
/// Values below this go to pages; above, to the map (48.5 days).
pub const DENSE_LIMIT: u64 = 1 << 22;

/// The counts of one page of seconds.
#[derive(Debug, Clone)]
enum Page {
    /// (second within the page, count), unordered, at most `SPARSE_MAX`.
    Sparse(Vec<(u16, u64)>),
    /// A counter per second, and wide counters for carries.
    Dense { narrow: Box<[u8; PAGE]>, wide: Option<Box<[u64; PAGE]>> },
}

impl Page {
    fn add(&mut self, slot: usize, n: u64) {
        if let Page::Sparse(list) = self {
            if let Some(entry) = list.iter_mut().find(|(s, _)| usize::from(*s) == slot) {
                entry.1 += n;
                return;
            }
            if list.len() < SPARSE_MAX {
                list.push((slot as u16, n));
                return;
            }
            let mut dense = Page::Dense { narrow: Box::new([0; PAGE]), wide: None };
            for (s, count) in list.drain(..) {
                dense.add(usize::from(s), count);
            }
            *self = dense;
        }
        if let Page::Dense { narrow, wide } = self {
            let sum = u64::from(narrow[slot]) + n;
            if sum <= u64::from(u8::MAX) {
                narrow[slot] = sum as u8;
            } else {
                narrow[slot] = 0;
                wide.get_or_insert_with(|| Box::new([0; PAGE]))[slot] += sum;
            }
        }
    }

    /// (second within the page, count) in ascending order, counts > 0.
    fn counts(&self) -> Vec<(usize, u64)> {
        match self {
            Page::Sparse(list) => {
                let mut sorted: Vec<(usize, u64)> = list.iter().map(|(s, n)| (usize::from(*s), *n)).collect();
                sorted.sort_unstable();
                sorted
            }
            Page::Dense { narrow, wide } => (0..PAGE)
                .filter_map(|i| {
                    let n = u64::from(narrow[i]) + wide.as_ref().map_or(0, |w| w[i]);
                    (n > 0).then_some((i, n))
                })
                .collect(),
        }
    }
}

/// Counts per whole-second value.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    pages: Vec<Option<Page>>,
    /// Values at or above `DENSE_LIMIT`.
    sparse: BTreeMap<u64, u64>,
    total: u64,
}

/// Equal when they hold the same counts, however they are laid out.
impl PartialEq for Histogram {
    fn eq(&self, other: &Self) -> bool {
        self.total == other.total && self.counts().eq(other.counts())
    }
}

impl Eq for Histogram {}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Histogram {
        Histogram::default()
    }

    /// How many values were added.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Add one value.
    #[inline]
    pub fn add(&mut self, value: u64) {
        if value < DENSE_LIMIT {
            let slot = value as usize & (PAGE - 1);
            if let Some(Some(Page::Dense { narrow, .. })) = self.pages.get_mut((value >> PAGE_BITS) as usize)
                && let Some(next) = narrow[slot].checked_add(1)
            {
                narrow[slot] = next;
                self.total += 1;
                return;
            }
        }
        self.add_n(value, 1);
    }

    /// Add a value `n` times.
    pub fn add_n(&mut self, value: u64, n: u64) {
        if n == 0 {
            return;
        }
        self.total += n;
        if value >= DENSE_LIMIT {
            *self.sparse.entry(value).or_insert(0) += n;
            return;
        }
        let index = (value >> PAGE_BITS) as usize;
        if index >= self.pages.len() {
            self.pages.resize_with(index + 1, || None);
        }
        self.pages[index].get_or_insert_with(|| Page::Sparse(Vec::new())).add(value as usize & (PAGE - 1), n);
    }

    /// Add every count of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        for (value, n) in other.counts() {
            self.add_n(value, n);
        }
    }

    /// (value, count) in ascending order of value, counts > 0.
    pub fn counts(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        let dense = self.pages.iter().enumerate().flat_map(|(p, page)| {
            let base = (p << PAGE_BITS) as u64;
            page.iter().flat_map(Page::counts).map(move |(i, n)| (base + i as u64, n))
        });
        dense.chain(self.sparse.iter().map(|(v, n)| (*v, *n)))
    }

    /// Nearest-rank percentiles, one per entry of `ranks` (each 1..=100),
    /// in one pass: the value at position ⌈p/100 × n⌉ of the sorted values.
    /// `None` when the histogram is empty.
    pub fn percentiles<const N: usize>(&self, ranks: [u32; N]) -> [Option<u64>; N] {
        let mut out = [None; N];
        if self.total == 0 {
            return out;
        }
        let positions = ranks.map(|p| nearest_rank(p, self.total));
        let mut seen = 0u64;
        for (value, n) in self.counts() {
            seen += n;
            for (slot, position) in out.iter_mut().zip(positions) {
                if slot.is_none() && position <= seen {
                    *slot = Some(value);
                }
            }
            if out.iter().all(Option::is_some) {
                break;
            }
        }
        out
    }
}

/// The 1-based position of the `p`th percentile among `n` sorted values:
/// ⌈p × n / 100⌉, at least 1.
pub fn nearest_rank(p: u32, n: u64) -> u64 {
    let p = u128::from(p.min(100));
    let position = (p * u128::from(n)).div_ceil(100) as u64;
    position.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(values: &[u64]) -> Histogram {
        let mut h = Histogram::new();
        values.iter().for_each(|v| h.add(*v));
        h
    }

    fn p(values: &[u64]) -> [Option<u64>; 3] {
        of(values).percentiles([50, 90, 95])
    }

    #[test]
    fn nearest_rank_positions_by_hand() {
        assert_eq!(nearest_rank(50, 1), 1);
        assert_eq!(nearest_rank(50, 4), 2);
        assert_eq!(nearest_rank(50, 5), 3);
        assert_eq!(nearest_rank(90, 10), 9);
        assert_eq!(nearest_rank(95, 10), 10);
        assert_eq!(nearest_rank(95, 20), 19);
        assert_eq!(nearest_rank(95, 21), 20);
        assert_eq!(nearest_rank(100, 7), 7);
        assert_eq!(nearest_rank(1, 1000), 10);
        assert_eq!(nearest_rank(95, u64::MAX), u64::MAX - u64::MAX / 20);
    }

    #[test]
    fn percentiles_by_hand() {
        // Single value.
        assert_eq!(p(&[42]), [Some(42); 3]);
        // Odd count, unsorted input: sorted 1 2 3 4 5; p50 at 3rd, p90 and p95 at 5th.
        assert_eq!(p(&[5, 3, 1, 4, 2]), [Some(3), Some(5), Some(5)]);
        // Even count: 10 20 30 40; p50 at position 2 (no averaging), p90 at 4.
        assert_eq!(p(&[40, 10, 30, 20]), [Some(20), Some(40), Some(40)]);
        // Ties: 7 7 7 9; p50 at 2nd = 7.
        assert_eq!(p(&[7, 9, 7, 7]), [Some(7), Some(9), Some(9)]);
        // 1..=20: p50 = 10th, p90 = 18th, p95 = 19th.
        let twenty: Vec<u64> = (1..=20).collect();
        assert_eq!(p(&twenty), [Some(10), Some(18), Some(19)]);
        // Empty.
        assert_eq!(p(&[]), [None; 3]);
    }

    #[test]
    fn large_values_and_zero_sort_with_small_ones() {
        let values = [0, DENSE_LIMIT + 5, 3, DENSE_LIMIT - 1, u64::MAX, 1 << 40, 1023, 1024];
        let h = of(&values);
        let mut sorted = values.to_vec();
        sorted.sort();
        let listed: Vec<u64> = h.counts().map(|(v, _)| v).collect();
        assert_eq!(listed, sorted);
        assert_eq!(h.percentiles([50, 100]), [Some(1024), Some(u64::MAX)]);
    }

    #[test]
    fn busy_values_carry_into_wide_counters_without_loss() {
        let mut h = Histogram::new();
        for _ in 0..1000 {
            h.add(5);
        }
        h.add_n(5, u64::from(u32::MAX));
        h.add_n(6, 255);
        h.add(6);
        h.add(4);
        assert_eq!(h.count(), u64::from(u32::MAX) + 1257);
        assert_eq!(h.counts().collect::<Vec<_>>(), [(4, 1), (5, u64::from(u32::MAX) + 1000), (6, 256)]);
    }

    #[test]
    fn pages_turn_dense_once_they_list_many_seconds() {
        let mut h = Histogram::new();
        // One value per page: every page stays a short list.
        for page in 0..100u64 {
            h.add(page * PAGE as u64 + 7);
        }
        assert!(h.pages.iter().flatten().all(|p| matches!(p, Page::Sparse(_))));
        // Many seconds in one page: it turns dense, counts intact.
        let mut expected: Vec<(u64, u64)> = h.counts().collect();
        for second in (0..PAGE as u64).rev() {
            h.add_n(second, 2);
        }
        assert!(matches!(h.pages[0], Some(Page::Dense { .. })));
        expected.retain(|(v, _)| *v >= PAGE as u64);
        let mut first: Vec<(u64, u64)> = (0..PAGE as u64).map(|v| (v, if v == 7 { 3 } else { 2 })).collect();
        first.extend(expected);
        assert_eq!(h.counts().collect::<Vec<_>>(), first);
    }

    #[test]
    fn merging_equals_adding_everything_to_one() {
        let a = [1, 2, 3, 5000, 1 << 30];
        let b = [2, 2, 9, 1 << 30, 7];
        let mut merged = of(&a);
        merged.merge(&of(&b));
        let all: Vec<u64> = a.iter().chain(&b).copied().collect();
        assert_eq!(merged.counts().collect::<Vec<_>>(), of(&all).counts().collect::<Vec<_>>());
        assert_eq!(merged.count(), 10);
    }

    proptest::proptest! {
        #[test]
        fn percentiles_match_sorting(mut values in proptest::collection::vec(0u64..5000, 1..300), p in 1u32..=100) {
            let h = of(&values);
            values.sort();
            let expected = values[(nearest_rank(p, values.len() as u64) - 1) as usize];
            proptest::prop_assert_eq!(h.percentiles([p])[0], Some(expected));
        }
    }
}
