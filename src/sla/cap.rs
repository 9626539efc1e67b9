//! Forecast caps (`excusal = "cap"`, SPEC section 12) in one streaming pass.
//!
//! A capped period admits only its first `limit` contacts by `created_at`,
//! ties in file order. Which ones that is depends on contacts not yet read,
//! so a capped period's contacts are not counted as they come: each is held
//! as one word (its creation second within the period and what it adds to
//! the tally, [`Contribution`]), per part of the file in file order. Once
//! every part is read and merged, [`Held::settle`] finds the cut (the second
//! in which the `limit`-th contact was created), counts every contact created
//! before it, the first of that second in file order up to the limit, and
//! the rest as over forecast.
//!
//! Memory is bounded by the forecasts, not by the export: whenever a
//! reader holds more than `limit` plus some slack, the contacts created
//! after the `limit + 1`-th smallest creation second it holds are over
//! forecast whatever the rest of the file says (at least `limit + 1`
//! contacts come before them), so they are counted as such and dropped, and
//! later ones created after that second are never held. A period that stays
//! under its forecast holds its contacts until the end: a word each.

use super::tally::Contribution;

/// At most `limit` contacts of one period are in scope: the first by
/// `created_at`, ties by file order; the rest count as over forecast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cap {
    /// The period's index (of the rule's period kind).
    pub period: i64,
    pub limit: u64,
    /// The instant the period starts (local midnight in the contract's zone).
    pub start: i64,
}

/// Bits of a word for the creation second within the period: 48.5 days,
/// more than a month and its daylight-saving hour.
const SECOND_BITS: u32 = 22;
/// The largest creation second a word holds.
pub const MAX_SECOND: u32 = (1 << SECOND_BITS) - 1;
/// Bits for a value; a larger one follows its word in a word of its own.
const VALUE_BITS: u32 = 38;
const VALUE_MASK: u64 = (1 << VALUE_BITS) - 1;
const WITHIN: u64 = 1 << VALUE_BITS;
const TAG_SHIFT: u32 = VALUE_BITS + 1;
const VALUE: u64 = 0;
const WIDE: u64 = 1;
const ABANDONED: u64 = 2;
const MISSING: u64 = 3;
const NOTHING: u64 = 4;

/// The contacts of one capped period held by one reader (or, merged, by all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Held {
    /// (part of the file, its contacts' words in file order), parts in the order read.
    segments: Vec<(usize, Vec<u64>)>,
    /// Contacts held.
    count: u64,
    /// Contacts created after this second are over forecast (set by pruning).
    bound: Option<u32>,
    /// Prune when `count` reaches this (0: at `limit` plus the slack).
    next_prune: u64,
}

/// How far past `limit` a reader's contacts may grow before it prunes.
fn slack(limit: u64) -> u64 {
    (limit / 2).max(1024)
}

fn second_of(word: u64) -> u32 {
    (word >> (64 - SECOND_BITS)) as u32
}

impl Held {
    /// Hold a contact of part `part` created `second` seconds into the
    /// period (at most [`MAX_SECOND`]); returns how many contacts are now
    /// known to be over forecast (this one, or those pruned).
    pub fn hold(&mut self, part: usize, second: u32, contribution: Contribution, limit: u64) -> u64 {
        if self.bound.is_some_and(|bound| second > bound) {
            return 1;
        }
        let words = match self.segments.last_mut() {
            Some((p, words)) if *p == part => words,
            _ => {
                self.segments.push((part, Vec::new()));
                &mut self.segments.last_mut().expect("just pushed").1
            }
        };
        let head = u64::from(second.min(MAX_SECOND)) << (64 - SECOND_BITS);
        match contribution {
            Contribution::Value { value, within } if value <= VALUE_MASK => {
                words.push(head | VALUE << TAG_SHIFT | if within { WITHIN } else { 0 } | value);
            }
            Contribution::Value { value, within } => {
                words.push(head | WIDE << TAG_SHIFT | if within { WITHIN } else { 0 });
                words.push(value);
            }
            Contribution::Abandoned { within } => {
                words.push(head | ABANDONED << TAG_SHIFT | if within { WITHIN } else { 0 })
            }
            Contribution::Missing => words.push(head | MISSING << TAG_SHIFT),
            Contribution::Nothing => words.push(head | NOTHING << TAG_SHIFT),
        }
        self.count += 1;
        let due = if self.next_prune == 0 { limit.saturating_add(slack(limit)) } else { self.next_prune };
        if self.count >= due { self.prune(limit) } else { 0 }
    }

    /// Drop the contacts created after the `limit + 1`-th smallest creation
    /// second held (over forecast for certain); returns how many.
    fn prune(&mut self, limit: u64) -> u64 {
        let Ok(nth) = usize::try_from(limit) else { return 0 };
        let mut seconds: Vec<u32> = self.contacts().map(|(second, _)| second).collect();
        if nth >= seconds.len() {
            return 0;
        }
        let bound = *seconds.select_nth_unstable(nth).1;
        drop(seconds);
        let before = self.count;
        for (_, words) in &mut self.segments {
            let mut kept = 0;
            let mut i = 0;
            while i < words.len() {
                let len = if (words[i] >> TAG_SHIFT) & 7 == WIDE { 2 } else { 1 };
                if second_of(words[i]) <= bound {
                    words.copy_within(i..i + len, kept);
                    kept += len;
                } else {
                    self.count -= 1;
                }
                i += len;
            }
            words.truncate(kept);
            words.shrink_to(kept + kept / 4);
        }
        self.bound = Some(bound);
        self.next_prune = self.count.saturating_add(slack(limit));
        before - self.count
    }

    /// The contacts held, (creation second, contribution), part by part in the order held.
    fn contacts(&self) -> impl Iterator<Item = (u32, Contribution)> + '_ {
        self.segments.iter().flat_map(|(_, words)| {
            let mut words = words.iter();
            std::iter::from_fn(move || {
                let word = *words.next()?;
                let within = word & WITHIN != 0;
                let contribution = match (word >> TAG_SHIFT) & 7 {
                    VALUE => Contribution::Value { value: word & VALUE_MASK, within },
                    WIDE => Contribution::Value { value: *words.next()?, within },
                    ABANDONED => Contribution::Abandoned { within },
                    MISSING => Contribution::Missing,
                    _ => Contribution::Nothing,
                };
                Some((second_of(word), contribution))
            })
        })
    }

    /// Add the contacts another reader held for the same period.
    pub fn merge(&mut self, other: Held) {
        self.segments.extend(other.segments);
        self.count += other.count;
    }

    /// Admit the first `limit` contacts by creation second, ties in file
    /// order, handing each to `admit`; returns how many are over forecast.
    pub fn settle(mut self, limit: u64, mut admit: impl FnMut(Contribution)) -> u64 {
        // Stable: a part's segment is whole (a part is read by one reader).
        self.segments.sort_by_key(|(part, _)| *part);
        let (cut, mut at_cut) = match usize::try_from(limit) {
            Ok(nth) if (nth as u64) < self.count => {
                let mut seconds: Vec<u32> = self.contacts().map(|(second, _)| second).collect();
                let cut = *seconds.select_nth_unstable(nth).1;
                // Of the `limit` smallest, those created before the cut's second are admitted whole.
                let before = seconds[..nth].iter().filter(|s| **s < cut).count() as u64;
                (cut, limit - before)
            }
            _ => (u32::MAX, u64::MAX),
        };
        let mut over = 0;
        for (second, contribution) in self.contacts() {
            let admitted = match second.cmp(&cut) {
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Equal if at_cut > 0 => {
                    at_cut -= 1;
                    true
                }
                _ => false,
            };
            if admitted {
                admit(contribution);
            } else {
                over += 1;
            }
        }
        over
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(value: u64) -> Contribution {
        Contribution::Value { value, within: value.is_multiple_of(2) }
    }

    fn settled(held: Held, limit: u64) -> (Vec<Contribution>, u64) {
        let mut admitted = Vec::new();
        let over = held.settle(limit, |c| admitted.push(c));
        (admitted, over)
    }

    #[test]
    fn words_keep_every_contribution_exactly() {
        let all = [
            value(0),
            value(VALUE_MASK),
            value(VALUE_MASK + 1),
            value(u64::MAX),
            Contribution::Abandoned { within: true },
            Contribution::Abandoned { within: false },
            Contribution::Missing,
            Contribution::Nothing,
        ];
        let mut held = Held::default();
        for (i, c) in all.iter().enumerate() {
            assert_eq!(held.hold(0, MAX_SECOND - i as u32, *c, u64::MAX), 0);
        }
        let read: Vec<(u32, Contribution)> = held.contacts().collect();
        let expected: Vec<(u32, Contribution)> =
            all.iter().enumerate().map(|(i, c)| (MAX_SECOND - i as u32, *c)).collect();
        assert_eq!(read, expected);
        assert_eq!(settled(held, u64::MAX), (all.to_vec(), 0));
    }

    #[test]
    fn the_cut_second_admits_in_file_order_across_parts() {
        // Seconds (part, second, value): by second 5, 5 | 7, 7, 7 (parts 0, 0, 1)
        // | 9. A limit of 4 admits both 5s and the first two 7s in file order:
        // part 0's 7 (value 70), then part 1's first (value 71).
        let mut a = Held::default();
        let mut b = Held::default();
        a.hold(0, 9, value(90), 4);
        a.hold(0, 7, value(70), 4);
        b.hold(1, 7, value(71), 4);
        b.hold(1, 7, value(72), 4);
        a.hold(2, 5, value(50), 4);
        b.hold(3, 5, value(51), 4);
        // Merged in the order the readers finish, not in part order.
        b.merge(a);
        let (admitted, over) = settled(b, 4);
        assert_eq!(admitted, [value(70), value(71), value(50), value(51)]);
        assert_eq!(over, 2);
    }

    #[test]
    fn pruning_drops_only_contacts_over_the_cap_for_certain() {
        // Limit 3 (slack 1024): 2,000 contacts at seconds 1000, 999, …, then
        // three at second 0. Pruning keeps the 3 smallest seconds held at the
        // time; the late second-0 contacts still come first.
        let mut held = Held::default();
        let mut over = 0;
        for i in 0..2000u32 {
            over += held.hold(0, 1000 + 2000 - i, value(u64::from(i)), 3);
        }
        assert!(held.count < 1030, "held {}", held.count);
        for v in [7, 8, 9] {
            over += held.hold(0, 0, value(v), 3);
        }
        let (admitted, rest) = settled(held, 3);
        assert_eq!(admitted, [value(7), value(8), value(9)]);
        assert_eq!(over + rest, 2000);
    }

    #[test]
    fn nothing_is_admitted_under_a_zero_cap() {
        let mut held = Held::default();
        held.hold(0, 3, Contribution::Missing, 0);
        held.hold(0, 1, Contribution::Missing, 0);
        assert_eq!(settled(held, 0), (vec![], 2));
    }
}
