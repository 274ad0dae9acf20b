//! Sets of leaf regions as bitsets: intersection is a word-wise AND.
//!
//! Only the words between the first and the last leaf of the set are
//! stored: a campaign on one county holds one word however many counties
//! the province has, and comparing two sets looks only at the words both
//! span (none, for campaigns in different cities).

/// A set of leaf positions ([`crate::resolve::Index::leaves`]).
///
/// Invariant: neither end of `words` is a zero word (an empty set has no
/// words and offset 0), so equal sets are equal values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LeafSet {
    /// The position of the first stored word (leaf `offset * 64` is its
    /// lowest bit).
    offset: usize,
    words: Vec<u64>,
}

/// The bits of one word that fall in `range` (of leaf positions).
fn mask(word: usize, range: &std::ops::Range<usize>) -> u64 {
    let base = word * 64;
    let lo = range.start.saturating_sub(base).min(64);
    let hi = range.end.saturating_sub(base).min(64);
    if lo >= hi {
        return 0;
    }
    let upper = if hi == 64 { u64::MAX } else { (1u64 << hi) - 1 };
    upper & !((1u64 << lo) - 1)
}

impl LeafSet {
    /// The empty set.
    pub fn new() -> Self {
        LeafSet::default()
    }

    /// The stored word at position `word`, 0 outside.
    fn word(&self, word: usize) -> u64 {
        word.checked_sub(self.offset)
            .and_then(|i| self.words.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// One past the last stored word position.
    fn end(&self) -> usize {
        self.offset + self.words.len()
    }

    /// Store the word positions `first..=last` (zeros where new).
    fn cover(&mut self, first: usize, last: usize) {
        if self.words.is_empty() {
            self.offset = first;
            self.words = vec![0; last - first + 1];
            return;
        }
        if first < self.offset {
            let grow = self.offset - first;
            self.words.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = first;
        }
        if last >= self.end() {
            self.words.resize(last + 1 - self.offset, 0);
        }
    }

    pub fn insert_range(&mut self, range: std::ops::Range<usize>) {
        if range.is_empty() {
            return;
        }
        let (first, last) = (range.start / 64, (range.end - 1) / 64);
        self.cover(first, last);
        for (i, w) in self.words.iter_mut().enumerate() {
            *w |= mask(self.offset + i, &range);
        }
    }

    pub fn contains(&self, leaf: usize) -> bool {
        self.word(leaf / 64) & (1 << (leaf % 64)) != 0
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The first leaf in both sets.
    pub fn first_common(&self, other: &LeafSet) -> Option<usize> {
        let (lo, hi) = (self.offset.max(other.offset), self.end().min(other.end()));
        (lo..hi).find_map(|w| {
            let both = self.word(w) & other.word(w);
            (both != 0).then(|| w * 64 + both.trailing_zeros() as usize)
        })
    }

    /// Is every leaf of `self` also in `other`?
    pub fn is_subset(&self, other: &LeafSet) -> bool {
        self.words
            .iter()
            .enumerate()
            .all(|(i, &a)| a & !other.word(self.offset + i) == 0)
    }

    /// The first and the last leaf of the set (`None` when empty): two
    /// sets whose bounds do not meet cannot intersect.
    pub fn bounds(&self) -> Option<(usize, usize)> {
        let first = self.words.first()?;
        let last = self.words.last()?;
        Some((
            self.offset * 64 + first.trailing_zeros() as usize,
            (self.end() - 1) * 64 + 63 - last.leading_zeros() as usize,
        ))
    }

    pub fn intersects(&self, other: &LeafSet) -> bool {
        self.first_common(other).is_some()
    }

    /// How many leaves of `range` are in the set.
    pub fn count_range(&self, range: std::ops::Range<usize>) -> usize {
        if range.is_empty() {
            return 0;
        }
        let first = (range.start / 64).max(self.offset);
        let last = ((range.end - 1) / 64).min(self.end().saturating_sub(1));
        (first..=last)
            .map(|w| (self.word(w) & mask(w, &range)).count_ones() as usize)
            .sum()
    }

    /// Add every leaf of `other`.
    pub fn union_with(&mut self, other: &LeafSet) {
        if other.words.is_empty() {
            return;
        }
        self.cover(other.offset, other.end() - 1);
        let shift = other.offset - self.offset;
        for (a, b) in self.words.iter_mut().skip(shift).zip(&other.words) {
            *a |= b;
        }
    }

    /// Every leaf in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let base = (self.offset + i) * 64;
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(base + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::LeafSet;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn intersection_and_iteration() {
        let mut a = LeafSet::new();
        a.insert_range(3..5);
        a.insert_range(128..130);
        let mut b = LeafSet::new();
        b.insert_range(129..130);
        assert_eq!(a.first_common(&b), Some(129));
        assert_eq!(a.iter().collect::<Vec<_>>(), [3, 4, 128, 129]);
        let mut c = LeafSet::new();
        c.insert_range(5..128);
        assert!(!a.intersects(&c));
        assert!(c.contains(64) && !c.contains(4));
    }

    fn set_of(ranges: &[(usize, usize)]) -> (LeafSet, BTreeSet<usize>) {
        let mut set = LeafSet::new();
        let mut reference = BTreeSet::new();
        for &(start, len) in ranges {
            set.insert_range(start..start + len);
            reference.extend(start..start + len);
        }
        (set, reference)
    }

    proptest! {
        /// Every operation agrees with a set of numbers, and sets with the
        /// same leaves are equal values, whatever order they were built in.
        #[test]
        fn agrees_with_a_plain_set(
            a in prop::collection::vec((0usize..700, 0usize..140), 0..5),
            b in prop::collection::vec((0usize..700, 0usize..140), 0..5),
            range in (0usize..800, 0usize..300),
        ) {
            let (x, rx) = set_of(&a);
            let (y, ry) = set_of(&b);
            prop_assert_eq!(x.iter().collect::<Vec<_>>(), rx.iter().copied().collect::<Vec<_>>());
            prop_assert_eq!(x.is_empty(), rx.is_empty());
            prop_assert_eq!(
                x.bounds(),
                rx.first().copied().zip(rx.last().copied())
            );
            prop_assert_eq!(x.first_common(&y), rx.intersection(&ry).next().copied());
            prop_assert_eq!(x.intersects(&y), rx.intersection(&ry).next().is_some());
            prop_assert_eq!(x.is_subset(&y), rx.is_subset(&ry));
            let r = range.0..range.0 + range.1;
            prop_assert_eq!(x.count_range(r.clone()), rx.iter().filter(|l| r.contains(l)).count());
            for leaf in [range.0, range.0 + range.1, 63, 64, 127, 128] {
                prop_assert_eq!(x.contains(leaf), rx.contains(&leaf));
            }
            let mut u = x.clone();
            u.union_with(&y);
            let ru: BTreeSet<usize> = rx.union(&ry).copied().collect();
            prop_assert_eq!(u.iter().collect::<Vec<_>>(), ru.iter().copied().collect::<Vec<_>>());
            let mut v = y.clone();
            v.union_with(&x);
            prop_assert_eq!(&u, &v);
            let mut rebuilt = LeafSet::new();
            for &leaf in ru.iter().rev() {
                rebuilt.insert_range(leaf..leaf + 1);
            }
            prop_assert_eq!(&u, &rebuilt);
        }
    }
}
