//! Effective review limits per region: a field missing from a regional
//! `limits` is inherited from the enclosing region's, then from the global
//! one, then from the defaults (LANGUAGE.md §2.11). v2: the blocks of one
//! scope merge (a field set twice is KJ1002, reported by resolution), and
//! commission eligibility (`commission_channels`, `commission_min_grade`) is
//! inherited per commission kind.

use std::collections::BTreeMap;

use koujing_grammar::ast::{CommissionKind, Duration, Limits, SupportKind, Unit};
use rust_decimal::Decimal;

use crate::resolve::Index;

/// The limits in force in one region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effective {
    pub max_concurrent: u32,
    pub support_lead: Duration,
    pub required_support: Vec<SupportKind>,
    /// Percent of face value.
    pub max_first_return_ratio: Decimal,
    /// v2: the only channels a table of the kind may list.
    pub commission_channels: BTreeMap<CommissionKind, Vec<String>>,
    /// v2: the lowest grade a paying row of a table of the kind may admit.
    pub commission_min_grade: BTreeMap<CommissionKind, String>,
}

impl Default for Effective {
    fn default() -> Self {
        Effective {
            max_concurrent: 3,
            support_lead: Duration {
                amount: 0,
                unit: Unit::Day,
            },
            required_support: vec![SupportKind::System, SupportKind::Knowledge],
            max_first_return_ratio: Decimal::ONE_HUNDRED,
            commission_channels: BTreeMap::new(),
            commission_min_grade: BTreeMap::new(),
        }
    }
}

impl Effective {
    fn overlay(&self, limits: &Limits) -> Effective {
        let mut commission_channels = self.commission_channels.clone();
        for (kind, channels) in &limits.commission_channels {
            commission_channels.insert(
                kind.node,
                channels.iter().map(|c| c.text.to_string()).collect(),
            );
        }
        let mut commission_min_grade = self.commission_min_grade.clone();
        for (kind, grade) in &limits.commission_min_grade {
            commission_min_grade.insert(kind.node, grade.text.to_string());
        }
        Effective {
            commission_channels,
            commission_min_grade,
            max_concurrent: limits
                .max_concurrent
                .map_or(self.max_concurrent, |m| m.node),
            support_lead: limits.support_lead.map_or(self.support_lead, |s| s.node),
            required_support: limits.required_support.as_ref().map_or_else(
                || self.required_support.clone(),
                |r| r.iter().map(|k| k.node).collect(),
            ),
            max_first_return_ratio: limits
                .max_first_return_ratio
                .map_or(self.max_first_return_ratio, |r| r.node),
        }
    }
}

/// The global limits and those of every region (by region index).
#[derive(Clone, Debug, Default)]
pub struct LimitsTable {
    pub global: Effective,
    pub by_region: Vec<Effective>,
}

impl LimitsTable {
    pub fn build(index: &Index<'_>) -> LimitsTable {
        let global = index
            .limits
            .iter()
            .filter(|l| l.item.region.is_none())
            .fold(Effective::default(), |e, l| e.overlay(l.item));
        let mut by_region: Vec<Effective> = Vec::with_capacity(index.regions.len());
        // Regions are stored parents first, so a parent's limits are ready.
        for region in &index.regions {
            let inherited = region
                .parent
                .and_then(|p| by_region.get(p))
                .unwrap_or(&global)
                .clone();
            let own = index
                .limits
                .iter()
                .filter(|l| {
                    l.item
                        .region
                        .as_ref()
                        .is_some_and(|r| r.text == region.name.text)
                })
                .fold(inherited, |e, l| e.overlay(l.item));
            by_region.push(own);
        }
        LimitsTable { global, by_region }
    }

    pub fn region(&self, region: usize) -> &Effective {
        self.by_region.get(region).unwrap_or(&self.global)
    }
}
