//! `koujing query`: ask the evaluator which offers apply, which commission
//! row pays, which grade an outlet gets.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use koujing_checker::messages::QueryMsg as Q;
use koujing_checker::query::{CommissionQuery, GradeQuery, OfferQuery, QueryError, Runtime};
use koujing_checker::{Lang, Msg};
use rust_decimal::Decimal;

use super::{parse_date, pick_lang, runtime, say, DataFormat, LangArg};

/// Where the evaluator's data comes from.
#[derive(clap::Args)]
pub struct Source {
    /// Workspace folders or `.kj` files (default: the current folder, or
    /// the roots its koujing.toml names).
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// Evaluate a built bundle folder instead of the sources.
    #[arg(long, value_name = "DIR")]
    bundle: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: DataFormat,
    #[command(flatten)]
    lang: LangArg,
}

/// The three questions.
#[derive(clap::Subcommand)]
pub enum QueryCommand {
    /// Every campaign that applies to a customer, with price and what combines.
    Offers {
        #[command(flatten)]
        source: Source,
        /// The day of the purchase, YYYY-MM-DD.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        date: NaiveDate,
        /// The customer's county (区县).
        #[arg(long)]
        region: String,
        /// The channel the customer uses, e.g. 自有营业厅.
        #[arg(long)]
        channel: String,
        /// An audience attribute, e.g. `--set 品牌=全球通 --set 月消费=80`.
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_pair)]
        set: Vec<(String, String)>,
    },
    /// The commission rows that pay for an activation or a customer.
    Commission {
        #[command(flatten)]
        source: Source,
        /// The day of the activation, YYYY-MM-DD.
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        date: NaiveDate,
        /// The channel (outlet type) that sold it, e.g. 社会渠道.
        #[arg(long)]
        channel: String,
        /// The outlet's grade, e.g. A.
        #[arg(long)]
        grade: Option<String>,
        /// The product sold, e.g. 流量包10元.
        #[arg(long)]
        product: Option<String>,
        /// The customer's months in network.
        #[arg(long, value_name = "MONTHS")]
        tenure: Option<Decimal>,
        /// Any dimension's value, e.g. `--set 合作年限=4 --set 违规次数=1`.
        #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_pair)]
        set: Vec<(String, String)>,
        /// Where the outlet is (a city or county): the most specific table
        /// of each kind that applies there is used.
        #[arg(long)]
        region: Option<String>,
    },
    /// A `mix`'s reference computation: each kind's total and share against
    /// the declared one (the numbers KJ6008 checks).
    Mix {
        /// The mix's name.
        name: String,
        #[command(flatten)]
        source: Source,
    },
    /// An outlet's weighted score and grade.
    Grade {
        #[command(flatten)]
        source: Source,
        /// The grading model's name.
        #[arg(long)]
        model: String,
        /// A leaf factor's score, e.g. `--score 商圈等级=80`.
        #[arg(long = "score", value_name = "FACTOR=SCORE", value_parser = parse_score)]
        scores: Vec<(String, Decimal)>,
    },
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .ok_or_else(|| say(Msg::NotAPair, &[("text", &text)]))
}

fn parse_score(text: &str) -> Result<(String, Decimal), String> {
    let (k, v) = parse_pair(text)?;
    let score = v
        .parse()
        .map_err(|_| say(Msg::NotANumber, &[("what", &k)]))?;
    Ok((k, score))
}

/// An answer as JSON and as human text.
type Answer = (serde_json::Value, String);

/// Run `koujing query …`.
pub fn run(query: QueryCommand) -> Result<ExitCode, String> {
    let source = match &query {
        QueryCommand::Offers { source, .. }
        | QueryCommand::Commission { source, .. }
        | QueryCommand::Mix { source, .. }
        | QueryCommand::Grade { source, .. } => source,
    };
    let (runtime, config_lang) = runtime(&source.paths, source.bundle.as_ref())?;
    let lang = pick_lang(source.lang.lang, config_lang);
    if let Some(note) = runtime.older_note() {
        eprintln!("{}", note.get(lang));
    }
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
            region,
            ..
        } => {
            let q = CommissionQuery {
                date: *date,
                channel: channel.clone(),
                grade: grade.clone(),
                product: product.clone(),
                tenure: *tenure,
                set: set.clone(),
                region: region.clone(),
            };
            commission(&runtime, &q, lang)?
        }
        QueryCommand::Mix { name, .. } => mix(&runtime, name, lang)?,
        QueryCommand::Grade { model, scores, .. } => {
            let q = GradeQuery {
                model: model.clone(),
                scores: scores.clone(),
            };
            grade(&runtime, &q, lang)?
        }
    };
    let out = match source.format {
        DataFormat::Json => serde_json::to_string_pretty(&json).map_err(|e| e.to_string())? + "\n",
        DataFormat::Human => human,
    };
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn failure(lang: Lang) -> impl Fn(QueryError) -> String {
    move |e| e.0.get(lang).to_string()
}

fn offers(runtime: &Runtime, q: &OfferQuery, lang: Lang) -> Result<Answer, String> {
    let offers = runtime.offers(q).map_err(failure(lang))?;
    let mut text = String::new();
    if offers.is_empty() {
        text.push_str(Q::NoCampaignApplies.template(lang));
        text.push('\n');
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
                .map(|p| Q::FinalPrice.get(lang, &[("price", &p)]))
                .unwrap_or_default(),
        ));
        if !o.combinable_with.is_empty() {
            text.push_str(&format!(
                "  {} {}\n",
                Q::CombinesWith.template(lang),
                o.combinable_with.join(", ")
            ));
        }
        if !o.depends_on.is_empty() {
            text.push_str(&format!(
                "  {} {}\n",
                Q::AlsoDependsOn.template(lang),
                o.depends_on.join(", ")
            ));
        }
    }
    #[derive(serde::Serialize)]
    struct Offers {
        offers: Vec<koujing_checker::query::Offer>,
    }
    Ok((
        serde_json::to_value(Offers { offers }).map_err(|e| e.to_string())?,
        text,
    ))
}

fn commission(runtime: &Runtime, q: &CommissionQuery, lang: Lang) -> Result<Answer, String> {
    let answer = runtime.commission(q).map_err(failure(lang))?;
    let mut text = String::new();
    for (kind, total) in &answer.totals {
        let parts: Vec<_> = answer.matches.iter().filter(|m| m.kind == *kind).collect();
        if parts.len() > 1 && parts.iter().any(|m| m.additive) {
            text.push_str(&format!(
                "{kind}: {total} ({})\n",
                Q::PartsAdded.template(lang)
            ));
        }
        for m in parts {
            let indent =
                if answer.matches.iter().filter(|x| x.kind == *kind).count() > 1 && m.additive {
                    "  + "
                } else {
                    ""
                };
            text.push_str(&format!(
                "{indent}{} {}: {} ({}) — {}\n",
                m.kind, m.table, m.amount, m.conditions, m.source
            ));
        }
    }
    if let Some(net) = &answer.net_cost {
        text.push_str(&Q::NetCost.get(
            lang,
            &[
                ("product", &net.product),
                ("face", &net.face_value.as_deref().unwrap_or("—")),
                ("supply", &net.supply_price),
                ("first_return", &net.first_return),
                ("net", &net.net),
            ],
        ));
        text.push('\n');
    }
    for n in &answer.no_match {
        text.push_str(&format!(
            "{} {}: {} {}\n",
            n.kind,
            n.table,
            Q::NoRowMatches.template(lang),
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
        Q::Score.template(lang),
        answer.score,
        answer.grade.as_deref().unwrap_or("—")
    );
    for c in &answer.contributions {
        let counted = if c.direction.as_deref() == Some("lower_better") {
            format!("(100 − {}) ", c.score)
        } else {
            format!("{} ", c.score)
        };
        text.push_str(&format!(
            "  {} {} × {}= {}\n",
            c.factor, c.weight, counted, c.contribution
        ));
    }
    let json = serde_json::to_value(&answer).map_err(|e| e.to_string())?;
    Ok((json, text))
}

fn mix(runtime: &Runtime, name: &str, lang: Lang) -> Result<Answer, String> {
    let answer = runtime.mix(name).map_err(failure(lang))?;
    let mut text = format!(
        "{}: {}\n",
        answer.mix,
        Q::MixReferenceCase.get(lang, &[("tolerance", &answer.tolerance)])
    );
    for k in &answer.kinds {
        let mark = if k.within { "✓" } else { "✗" };
        text.push_str(&Q::MixKind.get(
            lang,
            &[
                ("mark", &mark),
                ("kind", &k.kind),
                ("total", &k.total),
                ("share", &k.share),
                ("declared", &k.declared),
            ],
        ));
        text.push('\n');
        for (table, amount) in &k.parts {
            text.push_str(&format!("      {table}: {amount} 元\n"));
        }
    }
    let json = serde_json::to_value(&answer).map_err(|e| e.to_string())?;
    Ok((json, text))
}
