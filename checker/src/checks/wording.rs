//! 口径: customer text against the fields. Discounts and prices (KJ3001),
//! dates (KJ3002), gifts, bonus and points (KJ3004), read by
//! [`crate::reading`] (DIAGNOSTICS.md rules 1–12); and the same FAQ question
//! answered differently within a scope (KJ3003 v2).

use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use chrono::{Datelike, NaiveDate};
use koujing_grammar::ast::{AudienceValue, Benefit, Campaign, StrLit, Unit};
use koujing_grammar::{Arg, Edit, Fix, Span};
use rust_decimal::Decimal;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, FileId, LocalText};
use crate::messages::NoteMsg as N;
use crate::reading::{
    gift_amount, DateExpr, Money, Offer, Period, ProductName, Reader, Role, Said, Statement, Tier,
    Volume, Window,
};
use crate::resolve::Index;
use crate::text::{customer_texts, locate, normalise, normalised_chars};
use crate::workspace::Workspace;

/// KJ3001–KJ3004. KJ3003 runs beside the reading, on the other core; the
/// result does not depend on the number of threads.
pub fn analyse(workspace: &Workspace, index: &Index<'_>) -> Vec<Diagnostic> {
    let (mut diagnostics, same) = rayon::join(
        || crate::timing::time("    read texts", || read_texts(workspace, index)),
        || crate::timing::time("    same question", || same_question(index)),
    );
    diagnostics.extend(same);
    diagnostics
}

/// KJ3001, KJ3002, KJ3004: the reading of customer text — what each
/// campaign's texts say, against its fields.
pub fn read_texts(workspace: &Workspace, index: &Index<'_>) -> Vec<Diagnostic> {
    let products: Vec<ProductName<'_>> = index
        .products
        .defs
        .iter()
        .map(|d| ProductName {
            name: &d.item.name.text,
            title: d.item.title.as_ref().map(|t| t.value.as_str()),
        })
        .collect();
    let product_index: HashMap<&str, usize, foldhash::fast::RandomState> = index
        .products
        .defs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.item.name.text.as_str(), i))
        .collect();
    let values: Vec<&str> = index
        .dimensions
        .defs
        .iter()
        .flat_map(|d| d.item.values.iter().flatten().map(|v| v.text.as_str()))
        .collect();
    let reader = Reader::new(&products, &values);
    // A reading depends on the text and the offer only: texts shared by
    // many campaigns (the same FAQ answer) are read once. Each distinct
    // (text, offer) gets a slot, in the campaigns' order (a fast hash: the
    // map is never iterated).
    // Texts that cannot state anything (most FAQ questions) are left out
    // first, on every core.
    let candidates: Vec<(Option<usize>, Vec<&StrLit>)> = index
        .campaigns
        .defs
        .par_iter()
        .map(|def| {
            let offer = def
                .item
                .offer
                .as_ref()
                .and_then(|o| product_index.get(o.text.as_str()).copied());
            let texts = customer_texts(def.item)
                .into_iter()
                .filter(|lit| Reader::may_state(&lit.value))
                .collect();
            (offer, texts)
        })
        .collect();
    let count = candidates.iter().map(|(_, t)| t.len()).sum();
    let mut slots: HashMap<(&str, Option<usize>), usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(count, foldhash::fast::RandomState::default());
    let mut distinct: Vec<(&str, Option<usize>)> = Vec::new();
    let texts: Vec<Texts<'_>> = candidates
        .into_iter()
        .map(|(offer, lits)| {
            let texts = lits
                .into_iter()
                .map(|lit| {
                    let key = (lit.value.as_str(), offer);
                    let slot = *slots.entry(key).or_insert_with(|| {
                        distinct.push(key);
                        distinct.len() - 1
                    });
                    (lit, slot)
                })
                .collect();
            Texts { offer, texts }
        })
        .collect();
    // Texts and campaigns are read independently, on every core; `collect`
    // keeps their order, so the result does not depend on the number of
    // threads.
    read_and_compare(workspace, index, &reader, &distinct, &texts)
        .into_iter()
        .flatten()
        .collect()
}

/// A campaign's offer (index into the products) and customer texts, each
/// with the slot of its reading.
struct Texts<'w> {
    offer: Option<usize>,
    texts: Vec<(&'w StrLit, usize)>,
}

/// KJ3001, KJ3002, KJ3004: read each distinct (text, offer) once, then
/// compare what each campaign's texts say with its fields.
fn read_and_compare(
    workspace: &Workspace,
    index: &Index<'_>,
    reader: &Reader,
    distinct: &[(&str, Option<usize>)],
    texts: &[Texts<'_>],
) -> Vec<Vec<Diagnostic>> {
    let offer = |offer_def: Option<usize>| {
        let product = offer_def
            .and_then(|i| index.products.defs.get(i))
            .map(|d| d.item);
        Offer {
            product: offer_def,
            kind: product.and_then(|p| p.kind.map(|k| k.node)),
            name: product.map_or("", |p| p.name.text.as_str()),
            title: product
                .and_then(|p| p.title.as_ref())
                .map_or("", |t| t.value.as_str()),
        }
    };
    let readings: Vec<Vec<Statement>> = distinct
        .par_iter()
        .map(|(text, offer_def)| gifts_to_compare(reader.read(text, offer(*offer_def))))
        .collect();
    index
        .campaigns
        .defs
        .par_iter()
        .zip(texts.par_iter())
        .map(|(def, texts)| {
            let mut diagnostics = Vec::new();
            let Some(file) = workspace.file(def.file) else {
                return diagnostics;
            };
            let campaign = def.item;
            let product = texts
                .offer
                .and_then(|i| index.products.defs.get(i))
                .map(|d| d.item);
            let facts = Facts::new(campaign, product.and_then(|p| p.price.map(|q| q.node)));
            for (lit, slot) in &texts.texts {
                let at = Place {
                    source: &file.text,
                    file: def.file,
                    lit,
                };
                for statement in readings.get(*slot).into_iter().flatten() {
                    if let Some(d) = facts.compare(statement, &at) {
                        diagnostics.push(d);
                    }
                }
            }
            diagnostics
        })
        .collect()
}

/// Rules 11 and 12 (gifts): when a text gives a total (`共返50元`), the
/// totals are compared and per-period amounts are not; amounts stated per
/// period (`每月返10元`) are never compared.
fn gifts_to_compare(statements: Vec<Statement>) -> Vec<Statement> {
    let has_total = statements.iter().any(|s| {
        matches!(
            s.said,
            Said::Gift { total: true, .. } | Said::Bonus { total: true, .. }
        )
    });
    statements
        .into_iter()
        .filter(|s| match s.said {
            Said::Gift {
                total, per_period, ..
            } => total || (!has_total && !per_period),
            Said::Bonus { total, .. } => total || !has_total,
            _ => true,
        })
        .collect()
}

/// Where a statement was read.
struct Place<'a> {
    source: &'a str,
    file: FileId,
    lit: &'a StrLit,
}

impl Place<'_> {
    fn quote(&self, statement: &Statement) -> &str {
        self.lit
            .value
            .get(statement.span.clone())
            .unwrap_or_default()
    }

    fn span(&self, range: &std::ops::Range<usize>) -> (Span, bool) {
        locate(self.source, self.lit, range.start, range.end)
    }

    /// A KJ3001 or KJ3004 finding on what `statement` says: the quote, what
    /// it implies and what the fields say; and whether its span is exact.
    fn finding(
        &self,
        code: Code,
        statement: &Statement,
        implies: LocalText,
        actual: LocalText,
    ) -> (Diagnostic, bool) {
        let (span, exact) = self.span(&statement.span);
        let diagnostic = Diagnostic::new(
            code,
            self.file,
            span,
            &[
                ("quote", Arg::plain(self.quote(statement))),
                ("implies", implies.into()),
                ("actual", actual.into()),
            ],
        );
        (diagnostic, exact)
    }
}

/// How often a price is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Per {
    Month,
    Year,
    Once,
}

impl Per {
    fn of(unit: Unit) -> Option<Per> {
        match unit {
            Unit::YuanPerMonth => Some(Per::Month),
            Unit::YuanPerYear => Some(Per::Year),
            Unit::Yuan => Some(Per::Once),
            _ => None,
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Per::Month => "元/月",
            Per::Year => "元/年",
            Per::Once => "元",
        }
    }
}

/// A price with how often it is paid.
#[derive(Clone, Copy, Debug)]
struct Rate {
    value: Decimal,
    per: Per,
}

impl Rate {
    fn show(self) -> String {
        format!("{} {}", show(self.value), self.per.unit())
    }
}

/// A stated amount in the period `to` (rule 2): a yearly amount divided by
/// 12, a daily one never compared; `None` when it cannot be compared.
fn convert(money: Money, to: Per) -> Option<Decimal> {
    let twelve = Decimal::from(12);
    match (money.period, to) {
        (Period::Day, _) => None,
        (Period::Unstated, _) | (Period::Month, Per::Month) | (Period::Year, Per::Year) => {
            Some(money.value)
        }
        (Period::Year, Per::Month) => money.value.checked_div(twelve),
        (Period::Month, Per::Year) => money.value.checked_mul(twelve),
        (_, Per::Once) => None,
    }
}

fn same_period(money: Money, to: Per) -> bool {
    matches!(
        (money.period, to),
        (Period::Unstated, _) | (Period::Month, Per::Month) | (Period::Year, Per::Year)
    )
}

fn show(value: Decimal) -> String {
    value.normalize().to_string()
}

/// `discount P%` written as the shop writes it: `5折`, `8.8折`, `免费`.
fn zhe(p: Decimal) -> Option<String> {
    let factor = Decimal::TEN.checked_sub(p.checked_div(Decimal::TEN)?)?;
    if factor.is_zero() {
        Some("免费".to_string())
    } else if factor > Decimal::ZERO && factor < Decimal::TEN {
        Some(format!("{}折", show(factor)))
    } else {
        None
    }
}

/// What a statement implies and what the fields say (each in zh and en),
/// and the replacement that would fix the statement, if one would.
type Mismatch = (LocalText, LocalText, Option<String>);

/// What the fields say, for comparing statements.
struct Facts<'a> {
    campaign: &'a Campaign,
    benefit: Option<&'a Benefit>,
    /// The product's list price.
    list: Option<Rate>,
    /// The price the customer pays.
    final_price: Option<Rate>,
    window: Option<Window>,
}

impl<'a> Facts<'a> {
    fn new(campaign: &'a Campaign, price: Option<koujing_grammar::ast::Quantity>) -> Facts<'a> {
        let list = price.and_then(|q| {
            Some(Rate {
                value: q.value,
                per: Per::of(q.unit)?,
            })
        });
        let benefit = campaign.benefit.as_ref().map(|b| &b.node);
        let final_price = match benefit {
            Some(Benefit::Discount(p)) => list.and_then(|l| {
                let kept = Decimal::ONE_HUNDRED.checked_sub(*p)?;
                Some(Rate {
                    value: l
                        .value
                        .checked_mul(kept)?
                        .checked_div(Decimal::ONE_HUNDRED)?,
                    per: l.per,
                })
            }),
            Some(Benefit::Price(q)) => Per::of(q.unit).map(|per| Rate {
                value: q.value,
                per,
            }),
            _ => None,
        };
        Facts {
            campaign,
            benefit,
            list,
            final_price,
            window: campaign.window.map(|w| Window {
                start: w.start,
                end: w.end,
            }),
        }
    }

    /// Rule 12 (tiers): whether the campaign's audience narrows to the
    /// clause's attribute value.
    fn tier_applies(&self, tier: Option<&Tier>) -> bool {
        match tier {
            None => true,
            Some(Tier::Others) => false,
            Some(Tier::Value(v)) => self.campaign.audience.iter().any(|a| {
                matches!(&a.value, AudienceValue::Values(values)
                    if values.len() == 1 && values.iter().all(|x| normalise(&x.text) == normalise(v)))
            }),
        }
    }

    fn compare(&self, statement: &Statement, at: &Place<'_>) -> Option<Diagnostic> {
        match statement.said {
            Said::Date { expr, role, shift } => self.date(statement, expr, role, shift, at),
            _ if !self.tier_applies(statement.tier.as_ref()) => None,
            Said::Gift { .. } | Said::Bonus { .. } | Said::Points(_) => self.gift(statement, at),
            _ => self.price(statement, at),
        }
    }

    /// KJ3001 (rules 3, 4, 6, 11, 12).
    fn price(&self, statement: &Statement, at: &Place<'_>) -> Option<Diagnostic> {
        let benefit = self.benefit?;
        let priced = matches!(benefit, Benefit::Discount(_) | Benefit::Price(_));
        let (implies, actual, fix): Mismatch = match statement.said {
            Said::Discount(d) => self.said_discount(d, benefit, statement, at)?,
            Said::Price(money) if priced => self.said_price(money)?,
            Said::Saving(money) if priced => self.said_saving(money)?,
            Said::ListPrice(money) => self.said_list_price(money)?,
            Said::Threshold { spend, off } => self.said_threshold(spend, off, benefit)?,
            _ => return None,
        };
        let (mut diagnostic, exact) = at.finding(Code::KJ3001, statement, implies, actual);
        if let (true, Some(replacement)) = (exact, fix) {
            let (value_span, _) = at.span(&statement.value_span);
            diagnostic = diagnostic.fix(change_to(value_span, replacement));
        }
        Some(diagnostic)
    }

    /// KJ3001 for a stated discount.
    fn said_discount(
        &self,
        d: Decimal,
        benefit: &Benefit,
        statement: &Statement,
        at: &Place<'_>,
    ) -> Option<Mismatch> {
        Some(match benefit {
            Benefit::Discount(p) => {
                if d == *p {
                    return None;
                }
                let right = zhe(*p);
                let replacement = if at.quote(statement).contains('%') {
                    Some(format!("{}%", show(*p)))
                } else {
                    right.clone()
                };
                let zhe = right
                    .as_ref()
                    .map_or_else(LocalText::default, |r| N::ZheSuffix.text(&[("zhe", r)]));
                (
                    N::SaidDiscount.text(&[("percent", &show(d))]),
                    LocalText::from_fn(|lang| {
                        N::BenefitIsDiscount
                            .get(lang, &[("percent", &show(*p)), ("zhe", &zhe.get(lang))])
                    }),
                    replacement,
                )
            }
            Benefit::Price(_) => {
                let list = self.list?;
                let target = self.final_price?;
                let implied = list
                    .value
                    .checked_mul(Decimal::ONE_HUNDRED.checked_sub(d)?)?
                    .checked_div(Decimal::ONE_HUNDRED)?;
                let target = convert(
                    Money {
                        value: target.value,
                        period: period_of(target.per),
                    },
                    list.per,
                )?;
                if implied == target {
                    return None;
                }
                let implied = Rate {
                    value: implied,
                    per: list.per,
                };
                (
                    N::SaidDiscountPrice.text(&[("percent", &show(d)), ("price", &implied.show())]),
                    final_text(self.final_price?),
                    None,
                )
            }
            _ => return None,
        })
    }

    /// KJ3001 for a stated price.
    fn said_price(&self, money: Money) -> Option<Mismatch> {
        let target = self.final_price?;
        let value = convert(money, target.per)?;
        if value == target.value {
            return None;
        }
        Some((
            N::SaidPrice.text(&[("price", &stated(money, target.per))]),
            final_text(target),
            same_period(money, target.per).then(|| show(target.value)),
        ))
    }

    /// KJ3001 for a stated saving.
    fn said_saving(&self, money: Money) -> Option<Mismatch> {
        let list = self.list?;
        let target = self.final_price?;
        let final_value = convert(
            Money {
                value: target.value,
                period: period_of(target.per),
            },
            list.per,
        )?;
        let saving = list.value.checked_sub(final_value)?;
        let value = convert(money, list.per)?;
        if value == saving {
            return None;
        }
        let saving = Rate {
            value: saving,
            per: list.per,
        };
        Some((
            N::SaidSaving.text(&[("saving", &stated(money, list.per))]),
            N::FieldsSaving.text(&[("saving", &saving.show()), ("list", &list.show())]),
            same_period(money, list.per).then(|| show(saving.value)),
        ))
    }

    /// KJ3001 for a stated list price.
    fn said_list_price(&self, money: Money) -> Option<Mismatch> {
        let list = self.list?;
        let value = convert(money, list.per)?;
        if value == list.value {
            return None;
        }
        Some((
            N::SaidListPrice.text(&[("price", &stated(money, list.per))]),
            N::ProductPrice.text(&[("price", &list.show())]),
            same_period(money, list.per).then(|| show(list.value)),
        ))
    }

    /// KJ3001 for a stated threshold (满A减B).
    fn said_threshold(&self, spend: Decimal, off: Decimal, benefit: &Benefit) -> Option<Mismatch> {
        let expected = match benefit {
            Benefit::Discount(p) => spend.checked_mul(*p)?.checked_div(Decimal::ONE_HUNDRED)?,
            Benefit::Price(_) => {
                let list = self.list?;
                let target = self.final_price?;
                if spend != list.value || target.per != list.per {
                    return None;
                }
                list.value.checked_sub(target.value)?
            }
            _ => return None,
        };
        if off == expected {
            return None;
        }
        Some((
            N::SaidThreshold.text(&[("spend", &show(spend)), ("off", &show(off))]),
            N::FieldsOff.text(&[("off", &show(expected))]),
            Some(show(expected)),
        ))
    }

    /// KJ3002 (rules 7–9, 11, 12).
    fn date(
        &self,
        statement: &Statement,
        expr: DateExpr,
        role: Role,
        shift: i64,
        at: &Place<'_>,
    ) -> Option<Diagnostic> {
        let window = self.window?;
        let date = expr.resolve(window, shift)?;
        let stated = if shift < 0 { date.pred_opt()? } else { date };
        let (expected, which) = match role {
            Role::Start => (window.start, N::StartDay),
            Role::End => (window.end?, N::EndDay),
        };
        if stated == expected {
            return None;
        }
        let quote = at.quote(statement);
        let (span, exact) = at.span(&statement.span);
        let mut diagnostic = Diagnostic::new(
            Code::KJ3002,
            at.file,
            span,
            &[
                ("quote", Arg::plain(quote)),
                ("date", Arg::plain(stated.to_string())),
                ("which", which.arg(&[])),
                ("expected", Arg::plain(expected.to_string())),
            ],
        );
        if exact && expr.is_day() {
            let written = if shift < 0 {
                expected.succ_opt()?
            } else {
                expected
            };
            let replacement = write_like(quote, expr.has_year(), written);
            diagnostic = diagnostic.fix(change_to(span, replacement));
        }
        Some(diagnostic)
    }

    /// KJ3004 (rules 10–12).
    fn gift(&self, statement: &Statement, at: &Place<'_>) -> Option<Diagnostic> {
        let (stated, expected, implies, actual) = match (statement.said, self.benefit?) {
            (Said::Gift { value, .. }, Benefit::Gift(text)) => {
                let amount = gift_amount(text)?;
                if value == amount {
                    return None;
                }
                (
                    value,
                    amount,
                    N::SaidGift.text(&[("value", &show(value))]),
                    N::GiftWorth.text(&[("gift", text), ("value", &show(amount))]),
                )
            }
            (Said::Bonus { value, unit, .. }, Benefit::Bonus(q)) => {
                let mega = Decimal::from(1024);
                // In MB for data, in minutes for call time.
                let (stated_base, expected_base) = match (unit, q.unit) {
                    (Volume::Gb, Unit::Gb) | (Volume::Mb, Unit::Mb) => (value, q.value),
                    (Volume::Gb, Unit::Mb) => (value.checked_mul(mega)?, q.value),
                    (Volume::Mb, Unit::Gb) => (value, q.value.checked_mul(mega)?),
                    (Volume::Minutes, Unit::Minute) => (value, q.value),
                    _ => return None,
                };
                if stated_base == expected_base {
                    return None;
                }
                let unit_text = match unit {
                    Volume::Gb => "GB",
                    Volume::Mb => "MB",
                    Volume::Minutes => "分钟",
                };
                (
                    value,
                    if unit_text == q.unit.as_str() {
                        q.value
                    } else {
                        Decimal::ZERO
                    },
                    N::SaidBonus.text(&[("value", &show(value)), ("unit", &unit_text)]),
                    // The field as written: the same in both languages.
                    LocalText::from_fn(|_| format!("bonus {} {}", show(q.value), q.unit.as_str())),
                )
            }
            (Said::Points(n), Benefit::Points(x)) => {
                if n == *x {
                    return None;
                }
                (
                    n,
                    *x,
                    N::SaidPoints.text(&[("times", &show(n))]),
                    LocalText::from_fn(|_| format!("points x{}", show(*x))),
                )
            }
            _ => return None,
        };
        let (mut diagnostic, exact) = at.finding(Code::KJ3004, statement, implies, actual);
        let (value_span, _) = at.span(&statement.value_span);
        let written = at
            .lit
            .value
            .get(statement.value_span.clone())
            .unwrap_or_default();
        let arabic = written.chars().all(|c| c.is_ascii_digit() || c == '.');
        if exact && arabic && !expected.is_zero() && stated != expected {
            diagnostic = diagnostic.fix(change_to(value_span, show(expected)));
        }
        Some(diagnostic)
    }
}

fn period_of(per: Per) -> Period {
    match per {
        Per::Month => Period::Month,
        Per::Year => Period::Year,
        Per::Once => Period::Unstated,
    }
}

fn stated(money: Money, default: Per) -> String {
    let unit = match money.period {
        Period::Month => "元/月",
        Period::Year => "元/年",
        Period::Day => "元/天",
        Period::Unstated => default.unit(),
    };
    format!("{} {unit}", show(money.value))
}

fn final_text(target: Rate) -> LocalText {
    N::FieldsFinalPrice.text(&[("price", &target.show())])
}

/// A date written the way the text wrote the one it replaces.
fn write_like(quote: &str, with_year: bool, date: NaiveDate) -> String {
    let (y, m, d) = (date.year(), date.month(), date.day());
    let ascii = |sep: char| {
        if with_year {
            format!("{y}{sep}{m:02}{sep}{d:02}")
        } else {
            format!("{m}{sep}{d}")
        }
    };
    let day_word = if quote.ends_with('号') { '号' } else { '日' };
    if quote.contains('月') {
        if with_year {
            format!("{y}年{m}月{d}{day_word}")
        } else {
            format!("{m}月{d}{day_word}")
        }
    } else if quote.contains('-') {
        ascii('-')
    } else if quote.contains('/') {
        ascii('/')
    } else {
        ascii('.')
    }
}

/// One FAQ entry, for KJ3003: its order, where it is, and whose it is.
struct Answer<'w> {
    order: (Option<NaiveDate>, FileId, usize),
    file: FileId,
    owner: &'w str,
    /// The campaign (index into the campaigns) or `None` for a term.
    campaign: Option<usize>,
    question: &'w StrLit,
    answer: &'w StrLit,
}

/// What KJ3003's scopes need to know of a campaign (`S`: how the offer is
/// named — a `String` in tests, a borrowed name in the check).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeKey<S = String> {
    /// The offer's name.
    pub offer: Option<S>,
    /// Window start and end (`None`: open).
    pub window: Option<(NaiveDate, Option<NaiveDate>)>,
    /// The campaign it `extends` (index).
    pub extends: Option<usize>,
}

/// What KJ3003 needs to know of an answer (`T`: the normalised text — a
/// `String` in tests, an interned id in the check).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerKey<T = String> {
    /// The campaign that answers, or `None` for the glossary.
    pub campaign: Option<usize>,
    pub question: T,
    pub answer: T,
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    let mut root = i;
    while let Some(&p) = parent.get(root) {
        if p == root {
            break;
        }
        root = p;
    }
    while let Some(&p) = parent.get(i) {
        if p == root {
            break;
        }
        if let Some(slot) = parent.get_mut(i) {
            *slot = root;
        }
        i = p;
    }
    root
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        let (lo, hi) = (ra.min(rb), ra.max(rb));
        if let Some(slot) = parent.get_mut(hi) {
            *slot = lo;
        }
    }
}

/// KJ3003 (v2) scopes: for each campaign, a representative of its related
/// group (`extends` either way; the same offer with intersecting windows,
/// transitively). A union-find over `extends` and a sweep over each offer's
/// windows: O(n log n).
pub fn scope_groups<S: Ord>(campaigns: &[ScopeKey<S>]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..campaigns.len()).collect();
    for (i, c) in campaigns.iter().enumerate() {
        if let Some(e) = c.extends.filter(|e| *e < campaigns.len()) {
            union(&mut parent, i, e);
        }
    }
    let mut by_offer: BTreeMap<&S, Vec<(NaiveDate, NaiveDate, usize)>> = BTreeMap::new();
    for (i, c) in campaigns.iter().enumerate() {
        if let (Some(offer), Some((start, end))) = (&c.offer, c.window) {
            by_offer
                .entry(offer)
                .or_default()
                .push((start, end.unwrap_or(NaiveDate::MAX), i));
        }
    }
    for windows in by_offer.values_mut() {
        windows.sort();
        let mut current: Option<(NaiveDate, usize)> = None;
        for &(start, end, i) in windows.iter() {
            match current {
                Some((reach, first)) if start <= reach => {
                    union(&mut parent, first, i);
                    current = Some((reach.max(end), first));
                }
                _ => current = Some((end, i)),
            }
        }
    }
    (0..campaigns.len()).map(|i| find(&mut parent, i)).collect()
}

/// KJ3003 (v2) findings as (answer, the earliest answer of the first class)
/// pairs, given answers in (start date, file, position) order and each
/// campaign's group. Scopes: the glossary scope of each question (the
/// terms' answers and every campaign's answer to it) first, then each group
/// of related campaigns. An answer has at most one finding. Linear in the
/// answers (hashing).
pub fn inconsistent<T: Hash + Eq>(
    groups: &[usize],
    answers: &[AnswerKey<T>],
) -> Vec<(usize, usize)> {
    // Never iterated in hash order (the questions are sorted below).
    let mut by_question: HashMap<&T, Vec<usize>, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(answers.len(), foldhash::fast::RandomState::default());
    for (i, a) in answers.iter().enumerate() {
        by_question.entry(&a.question).or_default().push(i);
    }
    let mut reported = vec![false; answers.len()];
    let mut findings = Vec::new();
    let mut questions: Vec<&Vec<usize>> = by_question.values().collect();
    questions.sort();
    for members in questions {
        let glossary = members
            .iter()
            .any(|&i| answers.get(i).is_some_and(|a| a.campaign.is_none()));
        if glossary {
            classes(members, answers, &mut reported, &mut findings);
        }
        // The campaigns' answers by scope: scopes in order, answers in
        // order within each.
        let mut by_group: Vec<(usize, usize)> = members
            .iter()
            .filter_map(|&i| {
                let c = answers.get(i)?.campaign?;
                Some((groups.get(c).copied().unwrap_or(c), i))
            })
            .collect();
        by_group.sort_unstable();
        let mut scope = Vec::new();
        for chunk in by_group.chunk_by(|a, b| a.0 == b.0) {
            scope.clear();
            scope.extend(chunk.iter().map(|&(_, i)| i));
            classes(&scope, answers, &mut reported, &mut findings);
        }
    }
    findings.sort_unstable();
    findings
}

/// One scope (indices in order): each answer outside the first class of
/// equal text is a finding against the first answer.
fn classes<T: Eq>(
    scope: &[usize],
    answers: &[AnswerKey<T>],
    reported: &mut [bool],
    findings: &mut Vec<(usize, usize)>,
) {
    let Some(&first) = scope.first() else {
        return;
    };
    let Some(first_text) = answers.get(first).map(|a| &a.answer) else {
        return;
    };
    for &i in scope {
        let differs = answers.get(i).is_some_and(|a| a.answer != *first_text);
        if differs && reported.get(i) == Some(&false) {
            if let Some(slot) = reported.get_mut(i) {
                *slot = true;
            }
            findings.push((i, first));
        }
    }
}

/// A text that compares, and hashes, as its normalised form (white space
/// and punctuation dropped, ASCII case folded; see [`normalise`]), without
/// building that form: questions and answers repeat, most compare equal as
/// written. The hash of the normalised form is computed once, up front (on
/// every core); texts with different hashes differ.
#[derive(Clone, Copy, Debug)]
struct Normalised<'w> {
    text: &'w str,
    hash: u64,
}

impl<'w> Normalised<'w> {
    fn new(text: &'w str) -> Normalised<'w> {
        use std::hash::{BuildHasher, Hasher};
        let mut hasher = foldhash::fast::FixedState::with_seed(0).build_hasher();
        // The normalised form's UTF-8, hashed a buffer at a time (one
        // write per character cost more than the reading).
        let mut buffer = [0u8; 128];
        let mut used = 0;
        for c in normalised_chars(text) {
            if used + 4 > buffer.len() {
                hasher.write(buffer.get(..used).unwrap_or_default());
                used = 0;
            }
            if let Some(room) = buffer.get_mut(used..) {
                used += c.encode_utf8(room).len();
            }
        }
        hasher.write(buffer.get(..used).unwrap_or_default());
        Normalised {
            text,
            hash: hasher.finish(),
        }
    }
}

impl PartialEq for Normalised<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && (self.text == other.text
                || normalised_chars(self.text).eq(normalised_chars(other.text)))
    }
}

impl Eq for Normalised<'_> {}

impl Hash for Normalised<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// KJ3003 (v2): the same question answered differently within a scope.
pub fn same_question(index: &Index<'_>) -> Vec<Diagnostic> {
    // Offers by their position among the products (an unknown offer by
    // its name, after them); `extends` by the position of the campaign.
    let keys: Vec<ScopeKey<Result<usize, &str>>> = index
        .campaigns
        .defs
        .par_iter()
        .map(|d| ScopeKey {
            offer: d
                .item
                .offer
                .as_ref()
                .map(|o| index.products.index_of(&o.text).ok_or(o.text.as_str())),
            window: d.item.window.map(|w| (w.start, w.end)),
            extends: d
                .item
                .extends
                .as_ref()
                .and_then(|e| index.campaigns.index_of(&e.text)),
        })
        .collect();
    let groups = scope_groups(&keys);
    let mut answers: Vec<Answer<'_>> = Vec::new();
    for (i, def) in index.campaigns.defs.iter().enumerate() {
        for entry in &def.item.faq {
            answers.push(Answer {
                order: (
                    def.item.window.map(|w| w.start),
                    def.file,
                    entry.question.span.start,
                ),
                file: def.file,
                owner: &def.item.name.text,
                campaign: Some(i),
                question: &entry.question,
                answer: &entry.answer,
            });
        }
    }
    for def in &index.terms.defs {
        for entry in &def.item.faq {
            answers.push(Answer {
                order: (None, def.file, entry.question.span.start),
                file: def.file,
                owner: &def.item.name.text,
                campaign: None,
                question: &entry.question,
                answer: &entry.answer,
            });
        }
    }
    answers.par_sort_by_key(|a| a.order);
    let answer_keys: Vec<AnswerKey<Normalised<'_>>> = answers
        .par_iter()
        .map(|a| AnswerKey {
            campaign: a.campaign,
            question: Normalised::new(&a.question.value),
            answer: Normalised::new(&a.answer.value),
        })
        .collect();
    let mut diagnostics = Vec::new();
    for (i, first) in inconsistent(&groups, &answer_keys) {
        let (Some(primary), Some(other)) = (answers.get(i), answers.get(first)) else {
            continue;
        };
        diagnostics.push(
            Diagnostic::new(
                Code::KJ3003,
                primary.file,
                primary.question.span,
                &[
                    ("question", Arg::plain(&primary.question.value)),
                    ("other", Arg::plain(format!("`{}`", other.owner))),
                ],
            )
            .related(
                other.file,
                other.answer.span,
                N::OtherAnswer.text(&[("owner", &other.owner), ("answer", &other.answer.value)]),
            ),
        );
    }
    diagnostics
}

/// The fix that replaces the text at `span` with `replacement`.
fn change_to(span: Span, replacement: String) -> Fix {
    N::ChangeTo.fix(
        &[("replacement", &replacement)],
        vec![Edit {
            span,
            replacement: replacement.clone(),
        }],
    )
}

#[cfg(test)]
mod tests;
