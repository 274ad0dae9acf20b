//! Campaigns normalised for the analyses: windows as dates, regions as leaf
//! bitsets, channels and dimensions as indexes. Built once per check.

use chrono::NaiveDate;
use koujing_grammar::ast::{AudienceValue, Campaign, Interval, Stacking};

use crate::diagnostic::FileId;
use crate::leafset::LeafSet;
use crate::resolve::{Def, Index};

/// An audience constraint on one dimension.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AudienceSet<'w> {
    Values(Vec<&'w str>),
    Range(Interval),
}

impl AudienceSet<'_> {
    pub fn intersects(&self, other: &AudienceSet<'_>) -> bool {
        match (self, other) {
            (AudienceSet::Values(a), AudienceSet::Values(b)) => a.iter().any(|v| b.contains(v)),
            (AudienceSet::Range(a), AudienceSet::Range(b)) => a.intersects(b),
            // Mixed shapes are a KJ1005 already; they never separate.
            _ => true,
        }
    }
}

/// One campaign, normalised.
#[derive(Clone, Debug)]
pub struct CampaignFact<'w> {
    pub campaign: &'w Campaign,
    pub file: FileId,
    pub start: NaiveDate,
    /// Inclusive; `NaiveDate::MAX` when open-ended.
    pub end: NaiveDate,
    pub leaves: LeafSet,
    /// Channel names in the order written, resolved ones only, no repeats.
    pub channels: Vec<&'w str>,
    /// The same channels as positions in `index.channels` (compared as
    /// numbers rather than names).
    pub channel_ids: Vec<usize>,
    /// (dimension name, constraint), sorted by dimension name.
    pub audience: Vec<(&'w str, AudienceSet<'w>)>,
    pub offer: &'w str,
    /// The offer's position in `index.products`.
    pub offer_id: usize,
    /// 0 province, 1 city.
    pub issuer_depth: usize,
    pub issuer: usize,
    /// The campaign it `extends`, if any (kept here so that the conflict
    /// sweep need not read the campaign for every pair it compares).
    pub extends: Option<&'w str>,
}

impl<'w> CampaignFact<'w> {
    pub fn name(&self) -> &'w str {
        &self.campaign.name.text
    }

    /// (start date, file path, line) order: files are sorted by path and a
    /// later line has a later offset.
    pub fn order_key(&self) -> (NaiveDate, FileId, usize) {
        (self.start, self.file, self.campaign.span.start)
    }

    pub fn windows_intersect(&self, other: &CampaignFact<'_>) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    pub fn audiences_intersect(&self, other: &CampaignFact<'_>) -> bool {
        self.audience.iter().all(|(dim, set)| {
            other
                .audience
                .iter()
                .filter(|(d, _)| d == dim)
                .all(|(_, o)| set.intersects(o))
        })
    }

    /// X allows Y when X is `stackable`, or `with [...]` lists Y.
    pub fn allows(&self, other: &str) -> bool {
        match &self.campaign.stacking.node {
            Stacking::Exclusive => false,
            Stacking::Stackable => true,
            Stacking::With(list) => list.iter().any(|c| c.text == other),
        }
    }
}

/// Normalise every resolvable campaign (first definition of each name).
pub fn campaign_facts<'w>(index: &Index<'w>) -> Vec<CampaignFact<'w>> {
    use rayon::prelude::*;
    index
        .campaigns
        .defs
        .par_iter()
        .filter_map(|def| fact(index, *def))
        .collect()
}

pub(crate) fn fact<'w>(index: &Index<'w>, def: Def<'w, Campaign>) -> Option<CampaignFact<'w>> {
    let campaign = def.item;
    let window = campaign.window?;
    let offer = campaign.offer.as_ref()?;
    let offer_id = index.products.index_of(&offer.text)?;
    let issuer_index = index.region_index(&campaign.issuer.as_ref()?.text)?;
    let issuer = index.regions.get(issuer_index)?;
    let mut leaves = LeafSet::new();
    match &campaign.regions {
        Some(regions) => {
            for region in regions.iter().filter_map(|r| index.region(&r.text)) {
                leaves.insert_range(region.leaves.clone());
            }
        }
        None => leaves.insert_range(issuer.leaves.clone()),
    }
    // Sized up front: kept for the whole check, so no spare capacity (and
    // no reallocation to shed it) unless a channel is repeated.
    let mut channels: Vec<&str> = Vec::with_capacity(campaign.channels.len());
    let mut channel_ids: Vec<usize> = Vec::with_capacity(campaign.channels.len());
    for channel in &campaign.channels {
        if let Some(id) = index.channels.index_of(&channel.text) {
            if !channel_ids.contains(&id) {
                channels.push(&channel.text);
                channel_ids.push(id);
            }
        }
    }
    let mut audience: Vec<(&str, AudienceSet<'_>)> = campaign
        .audience
        .iter()
        .filter(|c| index.dimensions.get(&c.dimension.text).is_some())
        .map(|c| {
            let set = match &c.value {
                AudienceValue::Values(values) => {
                    AudienceSet::Values(values.iter().map(|v| v.text.as_str()).collect())
                }
                AudienceValue::Range(range) => AudienceSet::Range(range.node),
            };
            (c.dimension.text.as_str(), set)
        })
        .collect();
    audience.sort_by(|a, b| a.0.cmp(b.0));
    // Kept for the whole check: no spare capacity.
    channels.shrink_to_fit();
    channel_ids.shrink_to_fit();
    audience.shrink_to_fit();
    Some(CampaignFact {
        campaign,
        file: def.file,
        start: window.start,
        end: window.end.unwrap_or(NaiveDate::MAX),
        leaves,
        channels,
        channel_ids,
        audience,
        offer: &offer.text,
        offer_id,
        issuer_depth: issuer.depth,
        issuer: issuer_index,
        extends: campaign.extends.as_ref().map(|e| e.text.as_str()),
    })
}

/// A date for messages: open ends read "起" / "onwards".
pub fn show_end(end: NaiveDate) -> String {
    if end == NaiveDate::MAX {
        "…".to_string()
    } else {
        end.to_string()
    }
}
