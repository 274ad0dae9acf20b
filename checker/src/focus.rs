//! The editor's focused re-check: the findings of one edited file, exactly
//! as a full check would give them, from a workspace cut down to what can
//! affect them.
//!
//! A full check for the editor ([`crate::check_for_editor`]) also keeps a
//! [`Focus`]: for every campaign, what decides which other campaigns its
//! findings can depend on (name, offer, window, lanes, `extends`, `with`,
//! FAQ questions), and the region, channel and product names needed to read
//! an edited file's campaigns the same way. After an edit to a file that
//! holds only campaigns, [`check_file`] keeps:
//!
//! - every item that is not a campaign (the definitions), as they are;
//! - the edited file, whole;
//! - the campaigns its campaigns can meet in a finding: the same name
//!   (KJ1002); named by or naming them in `with` or `extends` (KJ2004 and
//!   the declared pairs of KJ2001); the same offer with intersecting windows
//!   (KJ2001, KJ2003); active on a shared lane on a shared day (KJ2002);
//!   and, for KJ3003, every campaign answering one of its questions in a
//!   scope it belongs to (or anywhere, for a question the glossary answers),
//!   with the whole scope so that the scope is cut the same way;
//!
//! and runs the ordinary check on that. Campaigns kept only for their dates,
//! places and links lose their customer text, which nothing in the edited
//! file's findings reads. Every choice above keeps a superset of what the
//! findings read (a campaign too many changes nothing), and the property
//! test `focused_check_equals_the_full_check_on_the_edited_file` holds it
//! to the full check.
//!
//! What it returns: the findings located in the edited file, and the
//! pairwise findings located elsewhere that point into it (KJ1002, KJ2001,
//! KJ2003, KJ2004, KJ3003). A KJ2002 on another file's campaign depends on
//! lanes the edited file does not touch: with [`Before`], the last full
//! check's are carried over, moved with the edit, until the next one.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use chrono::NaiveDate;
use koujing_grammar::ast::{Campaign, Item, Stacking};
use koujing_grammar::Span;
use petgraph::unionfind::UnionFind;

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use crate::leafset::LeafSet;
use crate::resolve::Index;
use crate::workspace::{SourceFile, Workspace};
use crate::Options;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The codes whose findings on another file's campaign are exact in a
/// focused check when they point into the edited file.
const PAIRWISE: [Code; 5] = [
    Code::KJ1002,
    Code::KJ2001,
    Code::KJ2003,
    Code::KJ2004,
    Code::KJ3003,
];

/// What a focused re-check needs from the full check before it.
#[derive(Debug, Default)]
pub struct Focus {
    /// The files of that check, in order, and whether each holds anything
    /// other than campaigns.
    paths: Vec<Arc<str>>,
    has_definitions: Vec<bool>,
    tables: Tables,
    campaigns: Vec<Entry>,
    by_name: FastMap<String, Vec<u32>>,
    /// Campaigns by the name their `extends` gives.
    by_extends: FastMap<String, Vec<u32>>,
    /// Campaigns by each name their `with` lists.
    by_with: FastMap<String, Vec<u32>>,
    /// Campaigns by offer name, sorted by window start.
    by_offer: FastMap<String, Vec<u32>>,
    /// Campaigns by normalised FAQ question.
    by_question: FastMap<String, Vec<u32>>,
    /// Normalised questions the glossary answers.
    glossary: std::collections::HashSet<String, foldhash::fast::RandomState>,
    /// KJ3003 scope of each campaign (a superset: see `scopes`).
    scope: Vec<u32>,
    scope_members: FastMap<u32, Vec<u32>>,
}

/// The names an edited campaign is read against.
#[derive(Debug, Default)]
struct Tables {
    /// Region name → its leaves.
    regions: FastMap<String, Range<usize>>,
    channels: FastMap<String, u16>,
    products: std::collections::HashSet<String, foldhash::fast::RandomState>,
}

/// One campaign item, as the selection sees it.
#[derive(Debug)]
struct Entry {
    file: u32,
    /// Position among the file's items.
    item: u32,
    /// The item's span.
    span: Span,
    name: String,
    offer: Option<String>,
    window: Option<(NaiveDate, Option<NaiveDate>)>,
    extends: Option<String>,
    with: Vec<String>,
    /// Where and when it is active, as the campaign analyses see it
    /// (`model::campaign_facts`); `None` when they skip it.
    lanes: Option<Lanes>,
    questions: Vec<String>,
}

#[derive(Debug)]
struct Lanes {
    start: NaiveDate,
    end: NaiveDate,
    leaves: LeafSet,
    channels: Vec<u16>,
}

impl Tables {
    fn new(index: &Index<'_>) -> Tables {
        let mut channels: Vec<&str> = index.channels.names().collect();
        channels.sort_unstable();
        Tables {
            regions: index
                .regions
                .iter()
                .map(|r| (r.name.text.to_string(), r.leaves.clone()))
                .collect(),
            channels: channels
                .into_iter()
                .zip(0u16..)
                .map(|(name, id)| (name.to_string(), id))
                .collect(),
            products: index.products.names().map(str::to_string).collect(),
        }
    }

    /// A campaign item as the selection sees it; its lanes as
    /// `model::campaign_facts` reads them.
    fn entry(&self, campaign: &Campaign, file: u32, item: u32) -> Entry {
        let with = match &campaign.stacking.node {
            Stacking::With(list) => list.iter().map(|c| c.text.to_string()).collect(),
            _ => Vec::new(),
        };
        Entry {
            file,
            item,
            span: campaign.span,
            name: campaign.name.text.to_string(),
            offer: campaign.offer.as_ref().map(|o| o.text.to_string()),
            window: campaign.window.map(|w| (w.start, w.end)),
            extends: campaign.extends.as_ref().map(|e| e.text.to_string()),
            with,
            lanes: self.lanes(campaign),
            questions: campaign
                .faq
                .iter()
                .map(|e| crate::text::normalise(&e.question.value))
                .collect(),
        }
    }

    fn lanes(&self, campaign: &Campaign) -> Option<Lanes> {
        let window = campaign.window?;
        campaign
            .offer
            .as_ref()
            .filter(|o| self.products.contains(o.text.as_str()))?;
        let issuer = self.regions.get(campaign.issuer.as_ref()?.text.as_str())?;
        let mut leaves = LeafSet::new();
        match &campaign.regions {
            Some(regions) => {
                for range in regions
                    .iter()
                    .filter_map(|r| self.regions.get(r.text.as_str()))
                {
                    leaves.insert_range(range.clone());
                }
            }
            None => leaves.insert_range(issuer.clone()),
        }
        let mut channels: Vec<u16> = campaign
            .channels
            .iter()
            .filter_map(|c| self.channels.get(c.text.as_str()).copied())
            .collect();
        channels.sort_unstable();
        channels.dedup();
        Some(Lanes {
            start: window.start,
            end: window.end.unwrap_or(NaiveDate::MAX),
            leaves,
            channels,
        })
    }
}

fn push(map: &mut FastMap<String, Vec<u32>>, key: &str, value: u32) {
    match map.get_mut(key) {
        Some(list) => list.push(value),
        None => {
            map.insert(key.to_string(), vec![value]);
        }
    }
}

impl Focus {
    /// Gather what a focused re-check needs from a resolved workspace.
    pub(crate) fn build(workspace: &Workspace, index: &Index<'_>) -> Focus {
        let tables = Tables::new(index);
        let mut focus = Focus {
            paths: Vec::with_capacity(workspace.files.len()),
            has_definitions: Vec::with_capacity(workspace.files.len()),
            ..Focus::default()
        };
        for (file, source) in workspace.files.iter().enumerate() {
            focus.paths.push(Arc::from(source.path.as_str()));
            let items = &source.parsed.module.items;
            focus
                .has_definitions
                .push(items.iter().any(|i| !matches!(i, Item::Campaign(_))));
            for (item, campaign) in items.iter().enumerate().filter_map(|(i, item)| match item {
                Item::Campaign(c) => Some((i, c)),
                _ => None,
            }) {
                let (Ok(file), Ok(item)) = (u32::try_from(file), u32::try_from(item)) else {
                    continue;
                };
                let entry = tables.entry(campaign, file, item);
                focus.add(entry);
            }
        }
        focus.tables = tables;
        for list in focus.by_offer.values_mut() {
            list.sort_by_key(|&i| {
                focus
                    .campaigns
                    .get(i as usize)
                    .and_then(|e| e.window)
                    .map(|w| w.0)
            });
        }
        focus.glossary = index
            .terms
            .defs
            .iter()
            .flat_map(|d| d.item.faq.iter())
            .map(|e| crate::text::normalise(&e.question.value))
            .collect();
        focus.scopes();
        focus
    }

    fn add(&mut self, entry: Entry) {
        let Ok(id) = u32::try_from(self.campaigns.len()) else {
            return;
        };
        push(&mut self.by_name, &entry.name, id);
        if let Some(parent) = &entry.extends {
            push(&mut self.by_extends, parent, id);
        }
        for partner in &entry.with {
            push(&mut self.by_with, partner, id);
        }
        if let Some(offer) = &entry.offer {
            push(&mut self.by_offer, offer, id);
        }
        for question in &entry.questions {
            push(&mut self.by_question, question, id);
        }
        self.campaigns.push(entry);
    }

    /// KJ3003's scopes, widened: campaigns joined by `extends` (to every
    /// campaign of that name), by sharing a name, and by the same offer in
    /// intersecting windows, transitively. The analysis's own scopes are
    /// finer (first definitions only), so each of them lies inside one of
    /// these.
    fn scopes(&mut self) {
        let n = self.campaigns.len();
        let mut sets = UnionFind::<usize>::new(n);
        for group in self.by_name.values() {
            for pair in group.windows(2) {
                if let [a, b] = pair {
                    sets.union(*a as usize, *b as usize);
                }
            }
        }
        for (i, entry) in self.campaigns.iter().enumerate() {
            let Some(parent) = &entry.extends else {
                continue;
            };
            for &p in self.by_name.get(parent).into_iter().flatten() {
                sets.union(i, p as usize);
            }
        }
        for list in self.by_offer.values() {
            // Sorted by start: a sweep joins each window to the run before
            // it while they overlap.
            let mut current: Option<(NaiveDate, usize)> = None;
            for &i in list {
                let Some((start, end)) = self.campaigns.get(i as usize).and_then(|e| e.window)
                else {
                    continue;
                };
                let end = end.unwrap_or(NaiveDate::MAX);
                match current {
                    Some((reach, first)) if start <= reach => {
                        sets.union(first, i as usize);
                        current = Some((reach.max(end), first));
                    }
                    _ => current = Some((end, i as usize)),
                }
            }
        }
        self.scope = (0..n)
            .map(|i| u32::try_from(sets.find(i)).unwrap_or(u32::MAX))
            .collect();
        for (i, &scope) in self.scope.iter().enumerate() {
            if let Ok(i) = u32::try_from(i) {
                self.scope_members.entry(scope).or_default().push(i);
            }
        }
    }
}

/// The outcome of a focused re-check.
#[derive(Debug, Default)]
pub struct Focused {
    /// The edited file's findings and the pairwise findings pointing into
    /// it, with file ids of `paths`.
    pub diagnostics: Vec<Diagnostic>,
    /// The path of each file id of `diagnostics`.
    pub paths: Vec<Arc<str>>,
    /// How many campaigns the cut-down workspace held (for measurements).
    pub campaigns: usize,
}

/// How a kept campaign enters the cut-down workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Keep {
    /// Only to fill the lanes of KJ2002: not an item of the cut-down
    /// workspace, its fact read from the unchanged file.
    Lanes,
    /// Dates, places and links only: no customer text, no FAQ.
    Bare,
    Whole,
}

/// The edited file as the full check behind a [`Focus`] saw it: with it,
/// [`check_file`] re-checks KJ2002 only for the campaigns an edit can
/// affect and keeps that check's findings for the others.
#[derive(Clone, Copy, Debug)]
pub struct Before<'a> {
    /// The file's text then.
    pub text: &'a str,
    /// That check's KJ2002 findings located in the file (file ids of that
    /// check).
    pub clustering: &'a [Diagnostic],
    /// That check's KJ2002 findings on other files' campaigns that list one
    /// of this file's campaigns: carried over, moved with the edit, until
    /// the next full check (they depend on lanes the file does not touch).
    pub mirrored: &'a [Diagnostic],
}

/// Re-check the file at `path` of `workspace` against the [`Focus`] of the
/// last full check. `None` when a focused check cannot be exact: the file
/// holds (or held) something other than campaigns, or other files changed
/// since that check.
///
/// With `before`, the campaigns of the file that the edit cannot affect
/// (outside the changed stretch of text, and sharing no lane and day with
/// a changed campaign, old or new) keep the KJ2002 findings of that check,
/// moved with the edit: their lanes are left out of the cut.
pub fn check_file(
    workspace: &Workspace,
    focus: &Focus,
    path: &str,
    options: &Options,
    before: Option<Before<'_>>,
) -> Option<Focused> {
    let (edited_id, edited) = workspace
        .files
        .iter()
        .enumerate()
        .find(|(_, f)| f.path == path)?;
    if edited
        .parsed
        .module
        .items
        .iter()
        .any(|i| !matches!(i, Item::Campaign(_)))
    {
        return None;
    }
    let old = focus.paths.iter().position(|p| &**p == path);
    if old.is_some_and(|o| focus.has_definitions.get(o) != Some(&false)) {
        return None;
    }
    let others_now = workspace
        .files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| *p != path);
    let others_then = focus.paths.iter().map(|p| &**p).filter(|p| *p != path);
    if !others_now.eq(others_then) {
        return None;
    }
    let old = old.and_then(|o| u32::try_from(o).ok());
    let new: Vec<Entry> = edited
        .parsed
        .module
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| match item {
            Item::Campaign(c) => Some(focus.tables.entry(c, 0, u32::try_from(i).ok()?)),
            _ => None,
        })
        .collect();
    let selecting = crate::timing::Phase::start("focus: select");
    let olds: Vec<&Entry> = focus
        .campaigns
        .iter()
        .filter(|e| Some(e.file) == old)
        .collect();
    // An allow comment, before or after the edit, may silence a different
    // campaign now (an item inserted under it, a code changed): then every
    // campaign's KJ2002 is computed afresh.
    let directives = before.is_some_and(|b| b.text.contains("koujing"))
        || edited
            .parsed
            .syntax
            .comments
            .iter()
            .any(|c| crate::suppress::is_directive(&c.text));
    let edit = before
        .filter(|_| !directives)
        .map(|b| Stretch::new(b.text, &edited.text));
    let affected = affected(focus, old, &olds, &new, edit.as_ref());
    let keep = select(focus, old, &new, &affected);
    selecting.done();
    let cutting = crate::timing::Phase::start("focus: cut");
    let mut files: Vec<SourceFile> = Vec::new();
    let mut paths: Vec<Arc<str>> = Vec::new();
    let mut edited_in_cut = None;
    let mut campaigns = new.len();
    // The full check's file ids, mapped onto the current workspace (the
    // same files but the edited one, in the same order).
    let mut kept_by_file: Vec<Vec<(u32, Keep)>> = vec![Vec::new(); focus.paths.len()];
    for (&entry, &how) in &keep {
        if let Some(e) = focus.campaigns.get(entry as usize) {
            if let Some(list) = kept_by_file.get_mut(e.file as usize) {
                list.push((e.item, how));
            }
        }
    }
    let mut lanes_only: Vec<(usize, &Campaign)> = Vec::new();
    let mut then = 0usize;
    for (now, source) in workspace.files.iter().enumerate() {
        if now == edited_id {
            edited_in_cut = Some(files.len());
            paths.push(Arc::from(source.path.as_str()));
            files.push(source.clone());
            if old.is_some() {
                then += 1;
            }
            continue;
        }
        let kept = kept_by_file
            .get(then)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let definitions = focus.has_definitions.get(then).copied().unwrap_or(false);
        then += 1;
        if kept.is_empty() && !definitions {
            continue;
        }
        campaigns += kept.len();
        let items = &source.parsed.module.items;
        for &(i, _) in kept.iter().filter(|k| k.1 == Keep::Lanes) {
            if let Some(Item::Campaign(c)) = items.get(i as usize) {
                lanes_only.push((files.len(), &**c));
            }
        }
        paths.push(Arc::from(source.path.as_str()));
        files.push(source.cut(|i, item| match item {
            Item::Campaign(c) => match kept.binary_search_by_key(&i, |k| k.0 as usize) {
                Ok(at) => match kept.get(at).map(|k| k.1) {
                    Some(Keep::Whole) => Some(Item::Campaign(c.clone())),
                    Some(Keep::Bare) => Some(Item::Campaign(Box::new(bare(c)))),
                    _ => None,
                },
                Err(_) => None,
            },
            other => Some(other.clone()),
        }));
    }
    let edited_in_cut = edited_in_cut?;
    let cut = Workspace {
        files,
        unread: Default::default(),
    };
    cutting.done();
    let reported: Vec<usize> = new
        .iter()
        .zip(&affected)
        .filter(|(_, &a)| a)
        .map(|(e, _)| e.span.start)
        .collect();
    let report = crate::check_focused(&cut, options, &lanes_only, edited_in_cut, &reported);
    let mut diagnostics: Vec<Diagnostic> = report
        .diagnostics
        .into_iter()
        .filter(|d| {
            d.file == edited_in_cut
                || (PAIRWISE.contains(&d.code) && d.related.iter().any(|r| r.file == edited_in_cut))
        })
        .collect();
    // KJ2002 of the campaigns the edit cannot affect: as the full check
    // found them, moved with the edit.
    if let (Some(before), Some(edit)) = (before, &edit) {
        carry_mirrored(
            before.mirrored,
            edit,
            focus,
            path,
            edited_in_cut,
            &mut paths,
            &mut diagnostics,
        );
        let unaffected: Vec<Span> = new
            .iter()
            .zip(&affected)
            .filter(|(_, &a)| !a)
            .map(|(e, _)| e.span)
            .collect();
        for d in before.clustering {
            let Some(span) = edit.moved(d.span) else {
                continue;
            };
            if !unaffected
                .iter()
                .any(|u| u.start <= span.start && span.end <= u.end)
            {
                continue;
            }
            let mut d = d.clone();
            d.span = span;
            d.file = edited_in_cut;
            for r in &mut d.related {
                let then = focus.paths.get(r.file).cloned().unwrap_or_default();
                if &*then == path {
                    r.file = edited_in_cut;
                    r.span = edit.moved(r.span).unwrap_or(r.span);
                } else {
                    r.file = id_of(&mut paths, then);
                }
            }
            diagnostics.push(d);
        }
    }
    Some(Focused {
        diagnostics,
        paths,
        campaigns,
    })
}

/// The id of `path` in `paths`, added if missing.
fn id_of(paths: &mut Vec<Arc<str>>, path: Arc<str>) -> usize {
    match paths.iter().position(|p| *p == path) {
        Some(at) => at,
        None => {
            paths.push(path);
            paths.len() - 1
        }
    }
}

/// The full check's KJ2002 findings on other files' campaigns that list
/// campaigns of the edited file, moved with the edit (a related campaign
/// in the changed stretch is dropped from the list; a finding left with
/// none in the file is dropped).
fn carry_mirrored(
    mirrored: &[Diagnostic],
    edit: &Stretch,
    focus: &Focus,
    path: &str,
    edited: usize,
    paths: &mut Vec<Arc<str>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for d in mirrored {
        let mut d = d.clone();
        let mut here = false;
        d.related.retain_mut(|r| {
            let then = focus.paths.get(r.file).cloned().unwrap_or_default();
            if &*then != path {
                r.file = id_of(paths, then);
                return true;
            }
            match edit.moved(r.span) {
                Some(span) => {
                    r.span = span;
                    r.file = edited;
                    here = true;
                    true
                }
                None => false,
            }
        });
        if here {
            let then = focus.paths.get(d.file).cloned().unwrap_or_default();
            d.file = id_of(paths, then);
            diagnostics.push(d);
        }
    }
}

/// The stretch of text an edit changed: `[prefix, old_tail)` of the old
/// text became `[prefix, new_tail)` of the new.
#[derive(Debug)]
pub struct Stretch {
    prefix: usize,
    old_tail: usize,
    new_tail: usize,
}

impl Stretch {
    /// The stretch between two texts: what is left between their common
    /// start and their common end.
    pub fn new(old: &str, new: &str) -> Stretch {
        let (old, new) = (old.as_bytes(), new.as_bytes());
        let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let suffix = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(old.len().min(new.len()) - prefix)
            .take_while(|(a, b)| a == b)
            .count();
        Stretch {
            prefix,
            old_tail: old.len() - suffix,
            new_tail: new.len() - suffix,
        }
    }

    /// Does an item at `span` (of the old text, or the new) touch it?
    fn touches(&self, span: Span, new: bool) -> bool {
        let tail = if new { self.new_tail } else { self.old_tail };
        span.start <= tail && span.end >= self.prefix
    }

    /// A span of the old text in the new one, if outside the stretch.
    pub fn moved(&self, span: Span) -> Option<Span> {
        if span.end <= self.prefix {
            Some(span)
        } else if span.start >= self.old_tail {
            let at = |x: usize| x - self.old_tail + self.new_tail;
            Some(Span::new(at(span.start), at(span.end)))
        } else {
            None
        }
    }
}

/// Which of the edited file's campaigns (`new`) the edit can affect in
/// KJ2002: those it changed, and those sharing a lane on a day with a
/// changed one, old or new. All of them without `edit`, or when a changed
/// name is written twice (a first definition may have moved).
fn affected(
    focus: &Focus,
    old: Option<u32>,
    olds: &[&Entry],
    new: &[Entry],
    edit: Option<&Stretch>,
) -> Vec<bool> {
    let Some(edit) = edit else {
        return vec![true; new.len()];
    };
    let changed_old: Vec<&Entry> = olds
        .iter()
        .copied()
        .filter(|e| edit.touches(e.span, false))
        .collect();
    let changed_new: Vec<&Entry> = new.iter().filter(|e| edit.touches(e.span, true)).collect();
    // A changed name written more than once, before or after the edit:
    // which definition comes first (and has lanes) may have changed.
    let twice = |name: &str| {
        let elsewhere = focus.by_name.get(name).map_or(0, |list| {
            list.iter()
                .filter(|&&i| {
                    focus
                        .campaigns
                        .get(i as usize)
                        .is_some_and(|e| Some(e.file) != old)
                })
                .count()
        });
        let before = olds.iter().filter(|e| e.name == name).count();
        let after = new.iter().filter(|e| e.name == name).count();
        elsewhere + before > 1 || elsewhere + after > 1
    };
    if changed_old
        .iter()
        .chain(&changed_new)
        .any(|e| twice(&e.name))
    {
        return vec![true; new.len()];
    }
    let mut lanes: FastMap<(u16, usize), Vec<(NaiveDate, NaiveDate)>> = FastMap::default();
    for l in changed_old
        .iter()
        .chain(&changed_new)
        .filter_map(|e| e.lanes.as_ref())
    {
        add_lanes(&mut lanes, l);
    }
    new.iter()
        .map(|e| edit.touches(e.span, true) || e.lanes.as_ref().is_some_and(|l| meets(&lanes, l)))
        .collect()
}

fn add_lanes(lanes: &mut FastMap<(u16, usize), Vec<(NaiveDate, NaiveDate)>>, l: &Lanes) {
    for &channel in &l.channels {
        for leaf in l.leaves.iter() {
            lanes
                .entry((channel, leaf))
                .or_default()
                .push((l.start, l.end));
        }
    }
}

/// Is a campaign active on one of `lanes` on one of its days?
fn meets(lanes: &FastMap<(u16, usize), Vec<(NaiveDate, NaiveDate)>>, l: &Lanes) -> bool {
    l.channels.iter().any(|&channel| {
        l.leaves.iter().any(|leaf| {
            lanes
                .get(&(channel, leaf))
                .is_some_and(|windows| windows.iter().any(|&(s, e)| s <= l.end && l.start <= e))
        })
    })
}

/// A campaign kept only for where, when and how it runs.
fn bare(c: &Campaign) -> Campaign {
    Campaign {
        wording: Vec::new(),
        faq: Vec::new(),
        faq_span: None,
        ..c.clone()
    }
}

/// The full check's campaigns (other files only) the edited file's new
/// campaigns can meet in a finding, each with how much of it to keep,
/// sorted by (file, item) through the `BTreeMap`.
fn select(
    focus: &Focus,
    old: Option<u32>,
    new: &[Entry],
    affected: &[bool],
) -> std::collections::BTreeMap<u32, Keep> {
    let mut keep: std::collections::BTreeMap<u32, Keep> = std::collections::BTreeMap::new();
    let other = |i: &u32| {
        focus
            .campaigns
            .get(*i as usize)
            .is_some_and(|e| Some(e.file) != old)
    };
    let add = |keep: &mut std::collections::BTreeMap<u32, Keep>, i: u32, how: Keep| {
        let slot = keep.entry(i).or_insert(how);
        *slot = (*slot).max(how);
    };
    let lookup = |map: &FastMap<String, Vec<u32>>, key: &str| -> Vec<u32> {
        map.get(key)
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| other(i))
            .collect()
    };
    // Names, `extends` and `with`, both ways.
    let mut scopes: Vec<u32> = Vec::new();
    for entry in new {
        let mut linked = lookup(&focus.by_name, &entry.name);
        linked.extend(lookup(&focus.by_extends, &entry.name));
        linked.extend(lookup(&focus.by_with, &entry.name));
        if let Some(parent) = &entry.extends {
            linked.extend(lookup(&focus.by_name, parent));
        }
        for partner in &entry.with {
            linked.extend(lookup(&focus.by_name, partner));
        }
        for i in linked {
            add(&mut keep, i, Keep::Bare);
            scopes.extend(focus.scope.get(i as usize));
        }
        // The same offer with intersecting windows: its KJ3003 scope; and
        // with intersecting regions too, the pairs of KJ2001 and KJ2003.
        if let (Some(offer), Some((start, end))) = (&entry.offer, entry.window) {
            let end = end.unwrap_or(NaiveDate::MAX);
            for i in lookup(&focus.by_offer, offer) {
                let Some(other) = focus.campaigns.get(i as usize) else {
                    continue;
                };
                let Some((s, e)) = other.window else {
                    continue;
                };
                if s > end {
                    break; // sorted by start
                }
                if e.unwrap_or(NaiveDate::MAX) < start {
                    continue;
                }
                scopes.extend(focus.scope.get(i as usize));
                if let (Some(a), Some(b)) = (&entry.lanes, &other.lanes) {
                    if a.leaves.intersects(&b.leaves) {
                        add(&mut keep, i, Keep::Bare);
                    }
                }
            }
        }
    }
    // KJ3003: scopes in which another campaign answers one of the edited
    // file's questions; questions the glossary answers, everywhere.
    scopes.sort_unstable();
    scopes.dedup();
    let mut questions: Vec<&str> = new
        .iter()
        .flat_map(|e| e.questions.iter().map(String::as_str))
        .collect();
    questions.sort_unstable();
    questions.dedup();
    for question in questions {
        let answering = lookup(&focus.by_question, question);
        let everywhere = focus.glossary.contains(question);
        for i in answering {
            let scope = focus.scope.get(i as usize).copied().unwrap_or(u32::MAX);
            if everywhere {
                add(&mut keep, i, Keep::Whole);
            }
            if scopes.binary_search(&scope).is_ok() {
                add(&mut keep, i, Keep::Whole);
                for &member in focus.scope_members.get(&scope).into_iter().flatten() {
                    if other(&member) {
                        add(&mut keep, member, Keep::Bare);
                    }
                }
            }
        }
    }
    // Lanes: another campaign active on a leaf and channel of an edited
    // campaign on a day it is active too.
    let mut lanes: FastMap<(u16, usize), Vec<(NaiveDate, NaiveDate)>> = FastMap::default();
    for l in new
        .iter()
        .zip(affected)
        .filter(|(_, &a)| a)
        .filter_map(|(e, _)| e.lanes.as_ref())
    {
        add_lanes(&mut lanes, l);
    }
    if !lanes.is_empty() {
        for (i, entry) in focus.campaigns.iter().enumerate() {
            let (Some(l), Ok(i)) = (&entry.lanes, u32::try_from(i)) else {
                continue;
            };
            if Some(entry.file) == old {
                continue;
            }
            let meets = meets(&lanes, l);
            // Only a name's first definition has lanes (as in the full
            // check): the first of its name outside the edited file (one
            // of the edited file's names would have kept it already).
            let first = focus
                .by_name
                .get(&entry.name)
                .and_then(|list| list.iter().find(|j| other(j)))
                == Some(&i);
            if meets && first {
                add(&mut keep, i, Keep::Lanes);
            }
        }
    }
    keep
}
