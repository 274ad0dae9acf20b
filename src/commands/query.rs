//! `koujing query`: ask the evaluator which offers apply, which commission
//! row pays, which grade an outlet gets.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use koujing_checker::query::{CommissionQuery, GradeQuery, OfferQuery, QueryError, Runtime};
use koujing_checker::Lang;
use rust_decimal::Decimal;

use super::{parse_date, pick_lang, runtime, Format};

/// Where the evaluator's data comes from.
#[derive(clap::Args)]
pub struct Source {
    /// Workspace folders or files (default: the current folder).
    paths: Vec<PathBuf>,
    /// Evaluate a built bundle instead of the sources.
    #[arg(long)]
    bundle: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[arg(long)]
    lang: Option<String>,
}

/// The three questions.
#[derive(clap::Subcommand)]
pub enum QueryCommand {
    /// Every campaign that applies to a customer, with price and what combines.
    Offers {
        #[command(flatten)]
        source: Source,
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
        /// The customer's county (区县).
        #[arg(long)]
        region: String,
        #[arg(long)]
        channel: String,
        /// An audience attribute, e.g. `--set 品牌=全球通 --set 月消费=80`.
        #[arg(long = "set", value_parser = parse_pair)]
        set: Vec<(String, String)>,
    },
    /// The commission rows that pay for an activation or a customer.
    Commission {
        #[command(flatten)]
        source: Source,
        #[arg(long, value_parser = parse_date)]
        date: NaiveDate,
        #[arg(long)]
        channel: String,
        #[arg(long)]
        grade: Option<String>,
        #[arg(long)]
        product: Option<String>,
        /// Months in network.
        #[arg(long)]
        tenure: Option<Decimal>,
        #[arg(long = "set", value_parser = parse_pair)]
        set: Vec<(String, String)>,
    },
    /// An outlet's weighted score and grade.
    Grade {
        #[command(flatten)]
        source: Source,
        #[arg(long)]
        model: String,
        /// A leaf factor's score, e.g. `--score 商圈等级=80`.
        #[arg(long = "score", value_parser = parse_score)]
        scores: Vec<(String, Decimal)>,
    },
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .ok_or_else(|| format!("expected NAME=VALUE, found `{text}`"))
}

fn parse_score(text: &str) -> Result<(String, Decimal), String> {
    let (k, v) = parse_pair(text)?;
    let score = v.parse().map_err(|_| format!("`{v}` is not a number"))?;
    Ok((k, score))
}

/// An answer as JSON and as human text.
type Answer = (serde_json::Value, String);

/// Run `koujing query …`.
pub fn run(query: QueryCommand) -> Result<ExitCode, String> {
    let source = match &query {
        QueryCommand::Offers { source, .. }
        | QueryCommand::Commission { source, .. }
        | QueryCommand::Grade { source, .. } => source,
    };
    let (runtime, config_lang) = runtime(&source.paths, source.bundle.as_ref())?;
    let lang = pick_lang(source.lang.as_deref(), config_lang)?;
    let (json, human) = match &query {
        QueryCommand::Offers {
            date,
            region,
            channel,
            set,
            ..
        } => {
            let q = OfferQuery {
                date: *date,
                region: region.clone(),
                channel: channel.clone(),
                set: set.clone(),
            };
            offers(&runtime, &q, lang)?
        }
        QueryCommand::Commission {
            date,
            channel,
            grade,
            product,
            tenure,
            set,
            ..
        } => {
            let q = CommissionQuery {
                date: *date,
                channel: channel.clone(),
                grade: grade.clone(),
                product: product.clone(),
                tenure: *tenure,
                set: set.clone(),
            };
            commission(&runtime, &q, lang)?
        }
        QueryCommand::Grade { model, scores, .. } => {
            let q = GradeQuery {
                model: model.clone(),
                scores: scores.clone(),
            };
            grade(&runtime, &q, lang)?
        }
    };
    let out = match source.format {
        Format::Json => serde_json::to_string_pretty(&json).map_err(|e| e.to_string())? + "\n",
        _ => human,
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn failure(lang: Lang) -> impl Fn(QueryError) -> String {
    move |e| e.0.get(lang).to_string()
}

fn offers(runtime: &Runtime, q: &OfferQuery, lang: Lang) -> Result<Answer, String> {
    let zh = lang.is_zh();
    let offers = runtime.offers(q).map_err(failure(lang))?;
    let mut text = String::new();
    if offers.is_empty() {
        text.push_str(if zh {
            "没有适用的活动\n"
        } else {
            "no campaign applies\n"
        });
    }
    for o in &offers {
        text.push_str(&format!(
            "{} {}: {} · {}{}\n",
            o.campaign,
            o.title
                .as_deref()
                .map(|t| format!("“{t}”"))
                .unwrap_or_default(),
            o.product,
            o.benefit,
            o.final_price
                .as_deref()
                .map(|p| if zh {
                    format!(" · 到手价 {p}")
                } else {
                    format!(" · final price {p}")
                })
                .unwrap_or_default(),
        ));
        if !o.combinable_with.is_empty() {
            text.push_str(&format!(
                "  {} {}\n",
                if zh { "可叠加:" } else { "combines with:" },
                o.combinable_with.join(", ")
            ));
        }
        if !o.depends_on.is_empty() {
            text.push_str(&format!(
                "  {} {}\n",
                if zh {
                    "还取决于:"
                } else {
                    "also depends on:"
                },
                o.depends_on.join(", ")
            ));
        }
    }
    Ok((serde_json::json!({ "offers": offers }), text))
}

fn commission(runtime: &Runtime, q: &CommissionQuery, lang: Lang) -> Result<Answer, String> {
    let answer = runtime.commission(q).map_err(failure(lang))?;
    let mut text = String::new();
    for m in &answer.matches {
        text.push_str(&format!(
            "{} {}: {} ({}) — {}\n",
            m.kind, m.table, m.amount, m.conditions, m.source
        ));
    }
    for n in &answer.no_match {
        text.push_str(&format!(
            "{} {}: {} {}\n",
            n.kind,
            n.table,
            if lang.is_zh() {
                "没有匹配的规则"
            } else {
                "no row matches"
            },
            n.reasons.join(", ")
        ));
    }
    let json = serde_json::to_value(&answer).map_err(|e| e.to_string())?;
    Ok((json, text))
}

fn grade(runtime: &Runtime, q: &GradeQuery, lang: Lang) -> Result<Answer, String> {
    let answer = runtime.grade(q).map_err(failure(lang))?;
    let mut text = format!(
        "{}: {} {} → {}\n",
        answer.model,
        if lang.is_zh() { "得分" } else { "score" },
        answer.score,
        answer.grade.as_deref().unwrap_or("—")
    );
    for c in &answer.contributions {
        text.push_str(&format!(
            "  {} {} × {} = {}\n",
            c.factor, c.weight, c.score, c.contribution
        ));
    }
    let json = serde_json::to_value(&answer).map_err(|e| e.to_string())?;
    Ok((json, text))
}
