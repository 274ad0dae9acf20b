//! Sets of leaf regions as bitsets: intersection is a word-wise AND.

/// A set of leaf positions ([`crate::resolve::Index::leaves`]).
///
/// Only the words from the first to the last one holding a leaf are stored
/// (`offset` is the first one's position): a campaign's leaves are the
/// leaves of a few neighbouring regions, so a set costs a few words however
/// many counties the province has. Those edge words are never zero, so
/// equal sets have equal fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LeafSet {
    offset: usize,
    words: Vec<u64>,
}

impl LeafSet {
    /// An empty set (`leaves`, the number of leaves, is no longer needed:
    /// the set grows to what is inserted).
    pub fn with_capacity(_leaves: usize) -> Self {
        LeafSet::default()
    }

    /// The word at absolute position `at` (zero outside the stored ones).
    fn word(&self, at: usize) -> u64 {
        at.checked_sub(self.offset)
            .and_then(|i| self.words.get(i))
            .copied()
            .unwrap_or(0)
    }

    /// Store words `first..=last` (absolute positions), zero-filled.
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
        let end = self.offset + self.words.len();
        if last >= end {
            self.words.resize(last - self.offset + 1, 0);
        }
    }

    pub fn insert_range(&mut self, range: std::ops::Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.cover(range.start / 64, (range.end - 1) / 64);
        for leaf in range {
            if let Some(w) = self.words.get_mut(leaf / 64 - self.offset) {
                *w |= 1 << (leaf % 64);
            }
        }
    }

    pub fn contains(&self, leaf: usize) -> bool {
        self.word(leaf / 64) & (1 << (leaf % 64)) != 0
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// The first leaf in both sets.
    pub fn first_common(&self, other: &LeafSet) -> Option<usize> {
        let start = self.offset.max(other.offset);
        let end = (self.offset + self.words.len()).min(other.offset + other.words.len());
        (start..end).find_map(|at| {
            let both = self.word(at) & other.word(at);
            (both != 0).then(|| at * 64 + both.trailing_zeros() as usize)
        })
    }

    /// Is every leaf of `self` also in `other`?
    pub fn is_subset(&self, other: &LeafSet) -> bool {
        self.words
            .iter()
            .enumerate()
            .all(|(i, &a)| a & !other.word(self.offset + i) == 0)
    }

    pub fn intersects(&self, other: &LeafSet) -> bool {
        self.first_common(other).is_some()
    }

    /// How many leaves of `range` are in the set.
    pub fn count_range(&self, range: std::ops::Range<usize>) -> usize {
        range.filter(|&l| self.contains(l)).count()
    }

    /// Add every leaf of `other`.
    pub fn union_with(&mut self, other: &LeafSet) {
        if other.words.is_empty() {
            return;
        }
        self.cover(other.offset, other.offset + other.words.len() - 1);
        let shift = other.offset - self.offset;
        for (a, b) in self.words.iter_mut().skip(shift).zip(&other.words) {
            *a |= b;
        }
    }

    /// Every leaf in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(move |(i, &word)| {
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

    #[test]
    fn intersection_and_iteration() {
        let mut a = LeafSet::with_capacity(130);
        a.insert_range(3..5);
        a.insert_range(128..130);
        let mut b = LeafSet::with_capacity(130);
        b.insert_range(129..130);
        assert_eq!(a.first_common(&b), Some(129));
        assert_eq!(a.iter().collect::<Vec<_>>(), [3, 4, 128, 129]);
        let mut c = LeafSet::with_capacity(130);
        c.insert_range(5..128);
        assert!(!a.intersects(&c));
        assert!(c.contains(64) && !c.contains(4));
    }

    fn set(ranges: &[(usize, usize)]) -> (LeafSet, std::collections::BTreeSet<usize>) {
        let mut set = LeafSet::default();
        let mut reference = std::collections::BTreeSet::new();
        for &(start, len) in ranges {
            set.insert_range(start..start + len);
            reference.extend(start..start + len);
        }
        (set, reference)
    }

    proptest::proptest! {
        /// Every operation agrees with a plain set of leaves, whatever
        /// order the ranges come in, and equal sets compare equal.
        #[test]
        fn agrees_with_a_plain_set(
            a in proptest::collection::vec((0usize..700, 0usize..90), 0..5),
            b in proptest::collection::vec((0usize..700, 0usize..90), 0..5),
        ) {
            let (x, rx) = set(&a);
            let (y, ry) = set(&b);
            proptest::prop_assert_eq!(x.iter().collect::<Vec<_>>(), rx.iter().copied().collect::<Vec<_>>());
            proptest::prop_assert_eq!(x.first_common(&y), rx.intersection(&ry).next().copied());
            proptest::prop_assert_eq!(x.intersects(&y), !rx.is_disjoint(&ry));
            proptest::prop_assert_eq!(x.is_subset(&y), rx.is_subset(&ry));
            proptest::prop_assert_eq!(x.is_empty(), rx.is_empty());
            proptest::prop_assert_eq!(x.count_range(100..400), rx.range(100..400).count());
            for leaf in [0, 63, 64, 200, 699, 789] {
                proptest::prop_assert_eq!(x.contains(leaf), rx.contains(&leaf));
            }
            let mut union = x.clone();
            union.union_with(&y);
            let ru: std::collections::BTreeSet<usize> = rx.union(&ry).copied().collect();
            proptest::prop_assert_eq!(union.iter().collect::<Vec<_>>(), ru.iter().copied().collect::<Vec<_>>());
            let mut reversed: Vec<(usize, usize)> = a.iter().chain(&b).copied().collect();
            reversed.reverse();
            proptest::prop_assert_eq!(set(&reversed).0, union);
        }
    }
}
