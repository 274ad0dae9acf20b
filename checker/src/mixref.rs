//! The `mix` reference computation (LANGUAGE.md §2.9, DIAGNOSTICS.md
//! KJ6008): what the commission tables pay for a mix's reference case, per
//! kind, and the shares that makes. KJ6008 and `koujing query mix` both call
//! [`compute`], so the numbers a reviewer sees are the numbers checked.
//!
//! The case is evaluated at the province level: tables whose regions are
//! the whole province (regional tables replace them only within their
//! regions), whose period contains the reference date and whose channels
//! list the reference channel. `first_return` (and any table with
//! `per: once`) pays once, at tenure month 1; every other table pays each
//! month 1..=`months` at that month's tenure. A percent output is a share of
//! `monthly_revenue`; a plain factor (`multiplier`) pays nothing. Among
//! alternative (non-additive) tables of a kind the first that has a
//! matching row pays; every matching additive table adds to it.

use koujing_grammar::ast::{
    Commission, CommissionKind, ConditionValue, Mix, MixReference, Per, RateRow, ReferenceValue,
    Unit,
};
use rust_decimal::Decimal;

use crate::resolve::Index;

/// What one table pays for the case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub table: String,
    pub amount: Decimal,
}

/// One kind of the mix: computed total and share against the declared one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindShare {
    pub kind: CommissionKind,
    /// Money over the case, in 元.
    pub total: Decimal,
    /// Percent of the total of the kinds the mix names.
    pub share: Decimal,
    /// Percent, as declared.
    pub declared: Decimal,
    /// The tables that paid, in workspace order.
    pub parts: Vec<Part>,
}

/// The reference computation of one `mix`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MixComputation {
    pub kinds: Vec<KindShare>,
    /// Σ of the kinds' totals.
    pub total: Decimal,
    /// Allowed difference, in percentage points.
    pub tolerance: Decimal,
}

impl MixComputation {
    /// Kinds whose computed share is off the declared one by more than the tolerance.
    pub fn off(&self) -> impl Iterator<Item = &KindShare> {
        self.kinds.iter().filter(|k| self.is_off(k))
    }

    /// Is `kind`'s computed share off the declared one by more than the
    /// tolerance (what KJ6008 reports)?
    pub fn is_off(&self, kind: &KindShare) -> bool {
        (kind.share - kind.declared).abs() > self.tolerance
    }

    /// Kinds no row paid.
    pub fn unpaid(&self) -> impl Iterator<Item = &KindShare> {
        self.kinds.iter().filter(|k| k.parts.is_empty())
    }
}

/// Default tolerance, percentage points.
pub const DEFAULT_TOLERANCE: Decimal = Decimal::from_parts(5, 0, 0, false, 0);

/// The reference computation of `mix`, or `None` when it has no reference
/// case or the case has no date or channel.
pub fn compute(index: &Index<'_>, mix: &Mix) -> Option<MixComputation> {
    let reference = mix.reference.as_ref()?;
    let date = reference.date?.node;
    let channel = reference.channel.as_ref()?.text.as_str();
    let months = reference.months.map_or(1, |m| m.node);
    let mut kinds = Vec::new();
    for declared in &mix.shares {
        let kind = declared.kind.node;
        let tables: Vec<&Commission> = index
            .commissions
            .defs
            .iter()
            .map(|d| d.item)
            .filter(|c| {
                c.kind.is_some_and(|k| k.node == kind)
                    && c.period.is_some_and(|p| p.contains(date))
                    && c.channels.iter().any(|ch| ch.text == channel)
                    && province_wide(index, c)
            })
            .collect();
        let mut parts: Vec<Part> = Vec::new();
        let mut add = |table: &Commission, amount: Decimal| match parts
            .iter_mut()
            .find(|p| p.table == table.name.text)
        {
            Some(p) => p.amount += amount,
            None => parts.push(Part {
                table: table.name.text.to_string(),
                amount,
            }),
        };
        for month in 1..=months {
            let alternative = tables
                .iter()
                .filter(|t| !t.is_additive())
                .find_map(|t| pay(t, reference, month).map(|a| (*t, a)));
            let additive = tables
                .iter()
                .filter(|t| t.is_additive())
                .filter_map(|t| pay(t, reference, month).map(|a| (*t, a)));
            for (table, amount) in alternative.into_iter().chain(additive) {
                add(table, amount);
            }
        }
        let total = parts.iter().map(|p| p.amount).sum();
        kinds.push(KindShare {
            kind,
            total,
            share: Decimal::ZERO,
            declared: declared.share.node,
            parts,
        });
    }
    let total: Decimal = kinds.iter().map(|k| k.total).sum();
    if !total.is_zero() {
        for k in &mut kinds {
            k.share = k.total * Decimal::ONE_HUNDRED / total;
        }
    }
    Some(MixComputation {
        kinds,
        total,
        tolerance: mix.tolerance.map_or(DEFAULT_TOLERANCE, |t| t.node),
    })
}

/// A table that applies to the whole province (no narrower `regions`).
fn province_wide(index: &Index<'_>, commission: &Commission) -> bool {
    let is_root = |name: &str| index.region(name).is_none_or(|r| r.depth == 0);
    let issuer_root = commission.issuer.as_ref().is_none_or(|i| is_root(&i.text));
    match &commission.regions {
        Some(regions) => regions.iter().any(|r| is_root(&r.text)),
        None => issuer_root,
    }
}

/// What `table` pays for the case in tenure month `month` (`None`: no row
/// matches, or a once-paid table outside month 1).
fn pay(table: &Commission, reference: &MixReference, month: u32) -> Option<Decimal> {
    if table.per() == Per::Once && month != 1 {
        return None;
    }
    let row = table
        .rows
        .iter()
        .find(|row| matches(row, reference, month))?;
    let output = row.output?.node;
    Some(match output.unit {
        Unit::Percent => reference.monthly_revenue.map_or(Decimal::ZERO, |r| {
            output.value * r.node.value / Decimal::ONE_HUNDRED
        }),
        u if u.is_money() => output.value,
        _ => Decimal::ZERO,
    })
}

/// Does `row` match the case in tenure month `month`?
pub fn matches(row: &RateRow, reference: &MixReference, month: u32) -> bool {
    row.conditions.iter().all(|c| {
        let name = |value: Option<&str>| match (&c.value, value) {
            (ConditionValue::Names(names), Some(v)) => names.iter().any(|n| n.text == v),
            _ => false,
        };
        match c.key.text.as_str() {
            "product" => name(reference.product.as_ref().map(|p| p.text.as_str())),
            "grade" => name(reference.grade.as_ref().map(|g| g.text.as_str())),
            "tenure" => match &c.value {
                ConditionValue::Interval(i) => i.contains(Decimal::from(month)),
                ConditionValue::Names(_) => false,
            },
            key => match reference.dimensions.iter().find(|s| s.key.text == key) {
                None => false,
                Some(setting) => match (&setting.value, &c.value) {
                    (ReferenceValue::Name(n), _) => name(Some(&n.text)),
                    (ReferenceValue::Quantity(q), ConditionValue::Interval(i)) => {
                        i.contains(q.node.value)
                    }
                    (ReferenceValue::Quantity(_), ConditionValue::Names(_)) => false,
                },
            },
        }
    })
}
