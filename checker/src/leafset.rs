//! Sets of leaf regions as bitsets: intersection is a word-wise AND.

/// A set of leaf positions ([`crate::resolve::Index::leaves`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct LeafSet {
    words: Vec<u64>,
}

impl LeafSet {
    pub fn with_capacity(leaves: usize) -> Self {
        LeafSet {
            words: vec![0; leaves.div_ceil(64)],
        }
    }

    pub fn insert_range(&mut self, range: std::ops::Range<usize>) {
        for leaf in range {
            let word = leaf / 64;
            if word >= self.words.len() {
                self.words.resize(word + 1, 0);
            }
            if let Some(w) = self.words.get_mut(word) {
                *w |= 1 << (leaf % 64);
            }
        }
    }

    pub fn contains(&self, leaf: usize) -> bool {
        self.words
            .get(leaf / 64)
            .is_some_and(|w| w & (1 << (leaf % 64)) != 0)
    }

    pub fn is_empty(&self) -> bool {
        self.words.iter().all(|w| *w == 0)
    }

    /// The first leaf in both sets.
    pub fn first_common(&self, other: &LeafSet) -> Option<usize> {
        self.words
            .iter()
            .zip(&other.words)
            .enumerate()
            .find_map(|(i, (a, b))| {
                let both = a & b;
                (both != 0).then(|| i * 64 + both.trailing_zeros() as usize)
            })
    }

    /// Is every leaf of `self` also in `other`?
    pub fn is_subset(&self, other: &LeafSet) -> bool {
        self.words.iter().enumerate().all(|(i, &a)| {
            let b = other.words.get(i).copied().unwrap_or(0);
            a & !b == 0
        })
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
        if self.words.len() < other.words.len() {
            self.words.resize(other.words.len(), 0);
        }
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// Every leaf in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let mut bits = word;
            std::iter::from_fn(move || {
                if bits == 0 {
                    return None;
                }
                let bit = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                Some(i * 64 + bit)
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
}
