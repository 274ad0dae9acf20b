//! Whole-space coverage of a decision table (KJ2102 v2).
//!
//! The closed keys a table uses span an input space: one axis per key, each
//! a finite set of names (grades, an enumerated dimension), whole numbers
//! from a lower bound (`tenure`, count dimensions) or real numbers from a
//! lower bound (other numeric dimensions). Every row is a box in that space
//! (a key it does not constrain spans the whole axis). What is left after
//! subtracting every row box from the space is the uncovered part, returned
//! as a short list of disjoint boxes.

use std::collections::HashMap;

use rust_decimal::Decimal;

/// One axis of the input space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Axis {
    /// `n` named values, indexed `0..n`.
    Names(usize),
    /// Whole numbers from `lo` (`None`: unbounded below).
    Whole(Option<Decimal>),
    /// Real numbers from `lo`, inclusive (`None`: unbounded below).
    Real(Option<Decimal>),
}

/// An interval end: the value and whether it is included.
pub type End = Option<(Decimal, bool)>;

/// An interval with explicit open or closed ends (`None`: unbounded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Iv {
    pub lo: End,
    pub hi: End,
}

impl Iv {
    pub fn is_empty(&self) -> bool {
        match (self.lo, self.hi) {
            (Some((lo, lc)), Some((hi, hc))) => lo > hi || (lo == hi && !(lc && hc)),
            _ => false,
        }
    }

    pub fn contains(&self, x: Decimal) -> bool {
        self.lo
            .is_none_or(|(lo, closed)| lo < x || (closed && lo == x))
            && self
                .hi
                .is_none_or(|(hi, closed)| x < hi || (closed && hi == x))
    }

    fn intersect(&self, other: &Iv) -> Iv {
        let lo = match (self.lo, other.lo) {
            (Some(a), Some(b)) => Some(if a.0 != b.0 {
                if a.0 > b.0 {
                    a
                } else {
                    b
                }
            } else {
                (a.0, a.1 && b.1)
            }),
            (a, b) => a.or(b),
        };
        let hi = match (self.hi, other.hi) {
            (Some(a), Some(b)) => Some(if a.0 != b.0 {
                if a.0 < b.0 {
                    a
                } else {
                    b
                }
            } else {
                (a.0, a.1 && b.1)
            }),
            (a, b) => a.or(b),
        };
        Iv { lo, hi }
    }

    /// `self − other` as at most two intervals; `whole`: bounds are closed
    /// whole numbers and stay so.
    fn subtract(&self, other: &Iv, whole: bool) -> Vec<Iv> {
        let mut out = Vec::new();
        if let Some((b, closed)) = other.lo {
            let hi = if whole {
                Some((b - Decimal::ONE, true))
            } else {
                Some((b, !closed))
            };
            let left = self.intersect(&Iv { lo: None, hi });
            if !left.is_empty() {
                out.push(left);
            }
        }
        if let Some((b, closed)) = other.hi {
            let lo = if whole {
                Some((b + Decimal::ONE, true))
            } else {
                Some((b, !closed))
            };
            let right = self.intersect(&Iv { lo, hi: None });
            if !right.is_empty() {
                out.push(right);
            }
        }
        out
    }

    /// Do the two touch or overlap, so that their union is one interval?
    fn joins(&self, other: &Iv, whole: bool) -> bool {
        let (first, second) = if order_lo(self.lo, other.lo) {
            (self, other)
        } else {
            (other, self)
        };
        match (first.hi, second.lo) {
            (None, _) | (_, None) => true,
            (Some((h, hc)), Some((l, lc))) => {
                if whole {
                    l <= h + Decimal::ONE
                } else {
                    l < h || (l == h && (hc || lc))
                }
            }
        }
    }

    fn union(&self, other: &Iv) -> Iv {
        let lo = if order_lo(self.lo, other.lo) {
            self.lo
        } else {
            other.lo
        };
        let hi = match (self.hi, other.hi) {
            (None, _) | (_, None) => None,
            (Some(a), Some(b)) => Some(if a.0 != b.0 {
                if a.0 > b.0 {
                    a
                } else {
                    b
                }
            } else {
                (a.0, a.1 || b.1)
            }),
        };
        Iv { lo, hi }
    }
}

/// Does lower end `a` start at or before lower end `b`?
fn order_lo(a: End, b: End) -> bool {
    match (a, b) {
        (None, _) => true,
        (_, None) => false,
        (Some((x, xc)), Some((y, yc))) => x < y || (x == y && (xc || !yc)),
    }
}

/// A box's extent on one axis.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Coord {
    /// Indexes of names, sorted, no repeats.
    Names(Vec<usize>),
    Iv(Iv),
}

impl Coord {
    fn is_empty(&self) -> bool {
        match self {
            Coord::Names(n) => n.is_empty(),
            Coord::Iv(iv) => iv.is_empty(),
        }
    }

    fn intersect(&self, other: &Coord) -> Coord {
        match (self, other) {
            (Coord::Names(a), Coord::Names(b)) => {
                Coord::Names(a.iter().copied().filter(|x| b.contains(x)).collect())
            }
            (Coord::Iv(a), Coord::Iv(b)) => Coord::Iv(a.intersect(b)),
            (a, _) => a.clone(),
        }
    }

    fn subtract(&self, other: &Coord, whole: bool) -> Vec<Coord> {
        match (self, other) {
            (Coord::Names(a), Coord::Names(b)) => {
                let rest: Vec<usize> = a.iter().copied().filter(|x| !b.contains(x)).collect();
                if rest.is_empty() {
                    Vec::new()
                } else {
                    vec![Coord::Names(rest)]
                }
            }
            (Coord::Iv(a), Coord::Iv(b)) => {
                a.subtract(b, whole).into_iter().map(Coord::Iv).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// The whole extent of an axis.
pub fn full(axis: &Axis) -> Coord {
    match axis {
        Axis::Names(n) => Coord::Names((0..*n).collect()),
        Axis::Whole(lo) | Axis::Real(lo) => Coord::Iv(Iv {
            lo: lo.map(|l| (l, true)),
            hi: None,
        }),
    }
}

/// A row's condition on an axis, as a coordinate clipped to the axis
/// (whole-number axes get closed whole bounds).
pub fn clip(axis: &Axis, coord: Coord) -> Coord {
    let coord = match (axis, coord) {
        (Axis::Whole(_), Coord::Iv(iv)) => Coord::Iv(Iv {
            lo: iv.lo.map(|(l, closed)| {
                let c = l.ceil();
                (
                    if !closed && c == l {
                        c + Decimal::ONE
                    } else {
                        c
                    },
                    true,
                )
            }),
            hi: iv.hi.map(|(h, closed)| {
                let f = h.floor();
                (
                    if !closed && f == h {
                        f - Decimal::ONE
                    } else {
                        f
                    },
                    true,
                )
            }),
        }),
        (_, c) => c,
    };
    coord.intersect(&full(axis))
}

/// At most this many boxes are kept while subtracting; beyond it the table
/// is too fragmented to report usefully and [`uncovered`] gives up.
const MAX_BOXES: usize = 10_000;

/// The part of the space no row covers, as disjoint boxes (merged where
/// two differ on one axis only). A row is one `Option<Coord>` per axis
/// (`None`: the whole axis). `None` when the computation gives up.
pub fn uncovered(axes: &[Axis], rows: &[Vec<Option<Coord>>]) -> Option<Vec<Vec<Coord>>> {
    let mut rest: Vec<Vec<Coord>> = vec![axes.iter().map(full).collect()];
    for row in rows {
        let row: Vec<Coord> = axes
            .iter()
            .enumerate()
            .map(|(i, axis)| match row.get(i).cloned().flatten() {
                Some(c) => clip(axis, c),
                None => full(axis),
            })
            .collect();
        if row.iter().any(Coord::is_empty) {
            continue;
        }
        let mut next = Vec::with_capacity(rest.len());
        for piece in rest {
            subtract_box(axes, &piece, &row, &mut next);
        }
        if next.len() > MAX_BOXES {
            return None;
        }
        rest = next;
        if rest.is_empty() {
            break;
        }
    }
    Some(merge(axes, rest))
}

fn subtract_box(axes: &[Axis], piece: &[Coord], row: &[Coord], out: &mut Vec<Vec<Coord>>) {
    let meets = piece
        .iter()
        .zip(row)
        .all(|(p, r)| !p.intersect(r).is_empty());
    if !meets {
        out.push(piece.to_vec());
        return;
    }
    // Peel off, axis by axis, the part outside the row; what remains on
    // the axes already peeled is inside it.
    let mut inside: Vec<Coord> = piece.to_vec();
    for (i, axis) in axes.iter().enumerate() {
        let (Some(p), Some(r)) = (piece.get(i), row.get(i)) else {
            continue;
        };
        let whole = matches!(axis, Axis::Whole(_));
        for part in p.subtract(r, whole) {
            let mut b = inside.clone();
            if let Some(slot) = b.get_mut(i) {
                *slot = part;
            }
            out.push(b);
        }
        if let Some(slot) = inside.get_mut(i) {
            *slot = p.intersect(r);
        }
    }
}

/// Merge boxes that differ on one axis only, until nothing changes.
fn merge(axes: &[Axis], mut boxes: Vec<Vec<Coord>>) -> Vec<Vec<Coord>> {
    loop {
        let before = boxes.len();
        for (k, axis) in axes.iter().enumerate() {
            let whole = matches!(axis, Axis::Whole(_));
            let mut groups: HashMap<Vec<Coord>, Vec<Coord>> = HashMap::new();
            let mut order: Vec<Vec<Coord>> = Vec::new();
            for b in boxes {
                let mut key = b.clone();
                let own = if k < key.len() {
                    key.remove(k)
                } else {
                    continue;
                };
                let entry = groups.entry(key.clone()).or_default();
                if entry.is_empty() {
                    order.push(key);
                }
                entry.push(own);
            }
            boxes = Vec::new();
            for key in order {
                let Some(coords) = groups.remove(&key) else {
                    continue;
                };
                for coord in merge_axis(coords, whole) {
                    let mut b = key.clone();
                    b.insert(k, coord);
                    boxes.push(b);
                }
            }
        }
        if boxes.len() == before {
            return boxes;
        }
    }
}

fn merge_axis(coords: Vec<Coord>, whole: bool) -> Vec<Coord> {
    let mut names: Vec<usize> = Vec::new();
    let mut ivs: Vec<Iv> = Vec::new();
    for c in coords {
        match c {
            Coord::Names(n) => names.extend(n),
            Coord::Iv(iv) => ivs.push(iv),
        }
    }
    let mut out = Vec::new();
    if !names.is_empty() {
        names.sort_unstable();
        names.dedup();
        out.push(Coord::Names(names));
    }
    ivs.sort_by(|a, b| {
        if a.lo == b.lo {
            std::cmp::Ordering::Equal
        } else if order_lo(a.lo, b.lo) {
            std::cmp::Ordering::Less
        } else {
            std::cmp::Ordering::Greater
        }
    });
    let mut current: Option<Iv> = None;
    for iv in ivs {
        current = Some(match current {
            Some(c) if c.joins(&iv, whole) => c.union(&iv),
            Some(c) => {
                out.push(Coord::Iv(c));
                iv
            }
            None => iv,
        });
    }
    if let Some(c) = current {
        out.push(Coord::Iv(c));
    }
    out
}

/// A point of the space: a name index or a number per axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Value {
    Name(usize),
    Number(Decimal),
}

/// Is the point inside the box?
pub fn contains(boxed: &[Coord], point: &[Value]) -> bool {
    boxed.iter().zip(point).all(|(c, v)| match (c, v) {
        (Coord::Names(n), Value::Name(x)) => n.contains(x),
        (Coord::Iv(iv), Value::Number(x)) => iv.contains(*x),
        _ => false,
    })
}

/// Show an interval end pair in math form, e.g. `[0, 300)`, `[13, +∞)`;
/// whole-number axes show closed whole bounds (`[7, 12]`).
pub fn show_iv(iv: &Iv) -> String {
    let lo = match iv.lo {
        Some((v, true)) => format!("[{}", v.normalize()),
        Some((v, false)) => format!("({}", v.normalize()),
        None => "(-∞".to_string(),
    };
    let hi = match iv.hi {
        Some((v, true)) => format!("{}]", v.normalize()),
        Some((v, false)) => format!("{})", v.normalize()),
        None => "+∞)".to_string(),
    };
    format!("{lo}, {hi}")
}
