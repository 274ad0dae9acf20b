//! `koujing test`: `*.kjtest` files (TOML) of queries and expected answers,
//! run against the workspace's compiled bundle (or `--bundle DIR`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use koujing_checker::ci::xml;
use koujing_checker::messages::QueryMsg;
use koujing_checker::query::{CommissionQuery, GradeQuery, OfferQuery, QueryError, Runtime};
use koujing_checker::{Lang, Msg};

use crate::commands::{parse_date, say};
use rust_decimal::Decimal;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TestFile {
    #[serde(default)]
    offers: Vec<OffersCase>,
    #[serde(default)]
    commission: Vec<CommissionCase>,
    #[serde(default)]
    grade: Vec<GradeCase>,
    #[serde(default)]
    mix: Vec<MixCase>,
}

/// v2: a `mix` reference computation: kind → computed share (`"32.5%"`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MixCase {
    name: Option<String>,
    mix: String,
    expect: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OffersCase {
    name: Option<String>,
    date: String,
    region: String,
    channel: String,
    #[serde(default)]
    set: BTreeMap<String, toml::Value>,
    expect: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommissionCase {
    name: Option<String>,
    date: String,
    channel: String,
    grade: Option<String>,
    product: Option<String>,
    tenure: Option<toml::Value>,
    #[serde(default)]
    set: BTreeMap<String, toml::Value>,
    /// v2: where the outlet is.
    region: Option<String>,
    /// kind → amount; `net_cost` is the agent's net cost of a SIM card.
    expect: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GradeCase {
    name: Option<String>,
    model: String,
    scores: BTreeMap<String, toml::Value>,
    expect: GradeExpect,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GradeExpect {
    grade: Option<String>,
    score: Option<String>,
}

/// One case's outcome.
pub struct Outcome {
    pub file: String,
    pub name: String,
    /// Empty when it passed; else the lines of the difference.
    pub diff: Vec<String>,
}

fn plain(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn set(map: &BTreeMap<String, toml::Value>) -> Vec<(String, String)> {
    map.iter().map(|(k, v)| (k.clone(), plain(v))).collect()
}

/// Differences between two lists, as `- missing` / `+ unexpected` lines.
fn list_diff(expected: &[String], actual: &[String], lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for e in expected.iter().filter(|e| !actual.contains(e)) {
        out.push(format!("- {} {e}", QueryMsg::Missing.template(lang)));
    }
    for a in actual.iter().filter(|a| !expected.contains(a)) {
        out.push(format!("+ {} {a}", QueryMsg::Unexpected.template(lang)));
    }
    out
}

pub fn find(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    Ok(crate::load::kjtest_files(paths)?
        .into_iter()
        .map(|(real, _)| real)
        .collect())
}

/// Run every case of one test file.
pub fn run_file(
    runtime: &Runtime,
    path: &Path,
    shown: &str,
    lang: Lang,
) -> Result<Vec<Outcome>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let file: TestFile = toml::from_str(&text).map_err(|e| format!("{shown}: {e}"))?;
    let mut outcomes = Vec::new();
    let mut run = |kind: &str, cases: Vec<(Option<&String>, Case<'_>)>| -> Result<(), String> {
        for (i, (name, case)) in cases.into_iter().enumerate() {
            let name = name
                .cloned()
                .unwrap_or_else(|| format!("{kind} #{}", i + 1));
            let diff = match case(runtime, lang) {
                Ok(Ok(diff)) => diff,
                Ok(Err(e)) => vec![format!("! {}", e.0.get(lang))],
                Err(why) => return Err(format!("{shown}: {name}: {why}")),
            };
            outcomes.push(Outcome {
                file: shown.to_string(),
                name,
                diff,
            });
        }
        Ok(())
    };
    run(
        "offers",
        file.offers
            .iter()
            .map(|c| (c.name.as_ref(), offers(c)))
            .collect(),
    )?;
    run(
        "commission",
        file.commission
            .iter()
            .map(|c| (c.name.as_ref(), commission(c)))
            .collect(),
    )?;
    run(
        "mix",
        file.mix.iter().map(|c| (c.name.as_ref(), mix(c))).collect(),
    )?;
    run(
        "grade",
        file.grade
            .iter()
            .map(|c| (c.name.as_ref(), grade(c)))
            .collect(),
    )?;
    Ok(outcomes)
}

/// One case, ready to run: the lines where the answer differs from the
/// expectation, the evaluator's refusal, or why the case itself is wrong.
type Case<'a> =
    Box<dyn FnOnce(&Runtime, Lang) -> Result<Result<Vec<String>, QueryError>, String> + 'a>;

fn offers(case: &OffersCase) -> Case<'_> {
    Box::new(move |runtime, lang| {
        let query = OfferQuery {
            date: parse_date(&case.date)?,
            region: case.region.clone(),
            channel: case.channel.clone(),
            set: set(&case.set),
        };
        Ok(runtime.offers(&query).map(|offers| {
            let mut actual: Vec<String> = offers.into_iter().map(|o| o.campaign).collect();
            actual.sort();
            let mut expected = case.expect.clone();
            expected.sort();
            list_diff(&expected, &actual, lang)
        }))
    })
}

fn commission(case: &CommissionCase) -> Case<'_> {
    Box::new(move |runtime, _| {
        let tenure = match &case.tenure {
            Some(t) => Some(
                plain(t)
                    .parse::<Decimal>()
                    .map_err(|_| say(Msg::NotANumber, &[("what", &"tenure")]))?,
            ),
            None => None,
        };
        let query = CommissionQuery {
            date: parse_date(&case.date)?,
            channel: case.channel.clone(),
            grade: case.grade.clone(),
            product: case.product.clone(),
            tenure,
            set: set(&case.set),
            region: case.region.clone(),
        };
        Ok(runtime.commission(&query).map(|answer| {
            let mut actual = answer.by_kind();
            if let Some(net) = &answer.net_cost {
                actual.insert("net_cost".to_string(), net.net.clone());
            }
            let mut lines = Vec::new();
            let kinds: std::collections::BTreeSet<&String> =
                actual.keys().chain(case.expect.keys()).collect();
            for kind in kinds {
                match (case.expect.get(kind), actual.get(kind)) {
                    (Some(e), Some(a)) if e == a => {}
                    (Some(e), a) => lines.push(format!(
                        "- {kind} = {e}\n+ {kind} = {}",
                        a.map_or("—", String::as_str)
                    )),
                    (None, Some(a)) => lines.push(format!("+ {kind} = {a}")),
                    (None, None) => {}
                }
            }
            lines
        }))
    })
}

fn mix(case: &MixCase) -> Case<'_> {
    Box::new(move |runtime, _| {
        Ok(runtime.mix(&case.mix).map(|answer| {
            let mut lines = Vec::new();
            for (kind, expected) in &case.expect {
                let actual = answer
                    .kinds
                    .iter()
                    .find(|k| k.kind == *kind)
                    .map(|k| format!("{}%", k.share));
                if actual.as_deref() != Some(expected.as_str()) {
                    lines.push(format!(
                        "- {kind} = {expected}\n+ {kind} = {}",
                        actual.as_deref().unwrap_or("—")
                    ));
                }
            }
            for k in answer.kinds.iter().filter(|k| !k.within) {
                lines.push(format!("! {}: {}% / {}%", k.kind, k.share, k.declared));
            }
            lines
        }))
    })
}

fn grade(case: &GradeCase) -> Case<'_> {
    Box::new(move |runtime, _| {
        let mut scores = Vec::new();
        for (factor, value) in &case.scores {
            let score = plain(value)
                .parse::<Decimal>()
                .map_err(|_| say(Msg::NotANumber, &[("what", factor)]))?;
            scores.push((factor.clone(), score));
        }
        let query = GradeQuery {
            model: case.model.clone(),
            scores,
        };
        Ok(runtime.grade(&query).map(|answer| {
            let mut lines = Vec::new();
            if let Some(grade) = &case.expect.grade {
                if answer.grade.as_ref() != Some(grade) {
                    lines.push(format!(
                        "- grade = {grade}\n+ grade = {}",
                        answer.grade.as_deref().unwrap_or("—")
                    ));
                }
            }
            if let Some(score) = &case.expect.score {
                let same = score.parse::<Decimal>().ok() == answer.score.parse::<Decimal>().ok();
                if !same {
                    lines.push(format!("- score = {score}\n+ score = {}", answer.score));
                }
            }
            lines
        }))
    })
}

pub fn junit(outcomes: &[Outcome]) -> String {
    let failures = outcomes.iter().filter(|o| !o.diff.is_empty()).count();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"koujing test\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
        outcomes.len()
    );
    for o in outcomes {
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\">",
            xml(&o.file),
            xml(&o.name)
        ));
        if !o.diff.is_empty() {
            out.push_str(&format!(
                "<failure message=\"expectation not met\">{}</failure>",
                xml(&o.diff.join("\n"))
            ));
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
