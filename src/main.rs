//! `koujing`: a thin clap front end over `koujing-checker`.
//!
//! This is the only place that touches the file system and the process
//! environment; everything else takes text in and gives results out.

mod bundle;
mod kjtest;
mod load;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};
use koujing_checker::{check, render, Code, Lang, Options, Severity};

#[derive(Parser)]
#[command(
    name = "koujing",
    version,
    about = "口径 Koujing: check and ship marketing campaigns, commission rules and grading models"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    /// SARIF 2.1.0 for code-scanning services.
    Sarif,
    /// GitHub Actions workflow-command annotations.
    Github,
    /// JUnit XML, one test case per file.
    Junit,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailLevel {
    Error,
    Warning,
    Info,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Deny {
    Warnings,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Check a workspace: every `.kj` file under PATHS (default: the current folder).
    Check {
        paths: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Message language: zh-CN or en (default: koujing.toml, then LANG).
        #[arg(long)]
        lang: Option<String>,
        /// Also fail (exit 1) on warnings (same as `--fail-level warning`).
        #[arg(long, value_enum)]
        deny: Option<Deny>,
        /// The lowest severity that makes the check fail (exit 1).
        #[arg(long, value_enum, default_value = "error")]
        fail_level: FailLevel,
        /// The day against which suppression expiry is judged (default: today).
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
        /// Colour in human output.
        #[arg(long, value_enum, default_value = "auto")]
        color: Color,
        /// Submission mode: check everything, report only findings whose
        /// primary or related location is in these files.
        #[arg(long, num_args = 1.., value_name = "FILE")]
        only: Vec<PathBuf>,
        /// CI mode: a suppression without `reason="…"` does not apply.
        #[arg(long)]
        require_reason: bool,
    },
    /// Write a self-contained HTML report for reviewers: calendar, channel load,
    /// commission tables, grading models, findings.
    Report {
        paths: Vec<PathBuf>,
        #[arg(long, default_value = "report.html")]
        out: PathBuf,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Ask the evaluator: which offers apply, which commission row pays, which grade.
    Query {
        #[command(subcommand)]
        query: QueryCommand,
    },
    /// Run `*.kjtest` files: queries with expected answers.
    Test {
        paths: Vec<PathBuf>,
        /// Evaluate a built bundle instead of the sources.
        #[arg(long)]
        bundle: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[arg(long)]
        lang: Option<String>,
    },
    /// Format `.kj` files in one canonical layout (comments kept, meaning unchanged).
    Fmt {
        paths: Vec<PathBuf>,
        /// List the files that would change and exit 1; write nothing.
        #[arg(long)]
        check: bool,
    },
    /// Run the language server on standard input and output.
    Lsp,
    /// Print shell completions: `koujing completions bash|zsh|fish|elvish|powershell`.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
    /// Print the long explanation of a diagnostic code, e.g. `koujing explain KJ2001`.
    Explain { code: String },
    /// Compile a clean workspace into a deterministic bundle folder.
    Build {
        paths: Vec<PathBuf>,
        /// The bundle folder (replaced atomically if it holds a previous bundle).
        #[arg(long)]
        out: PathBuf,
        /// Sign manifest.json with this Ed25519 key (from `koujing keygen`).
        #[arg(long)]
        sign_key: Option<PathBuf>,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, value_parser = parse_date)]
        today: Option<NaiveDate>,
    },
    /// Write a new Ed25519 key pair: NAME.key (private, mode 0600) and NAME.pub.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a bundle: every hash, missing and extra files, and the signature.
    Verify {
        dir: PathBuf,
        #[arg(long)]
        pubkey: Option<PathBuf>,
        #[arg(long)]
        lang: Option<String>,
    },
    /// What changed between two bundles: campaigns, commission rows, grading weights, FAQ.
    Diff {
        old: PathBuf,
        new: PathBuf,
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        #[arg(long)]
        lang: Option<String>,
    },
}

/// Where the evaluator's data comes from.
#[derive(clap::Args)]
struct Source {
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

#[derive(Subcommand)]
enum QueryCommand {
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
        tenure: Option<rust_decimal::Decimal>,
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
        scores: Vec<(String, rust_decimal::Decimal)>,
    },
}

fn parse_pair(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .ok_or_else(|| format!("expected NAME=VALUE, found `{text}`"))
}

fn parse_score(text: &str) -> Result<(String, rust_decimal::Decimal), String> {
    let (k, v) = parse_pair(text)?;
    let score = v.parse().map_err(|_| format!("`{v}` is not a number"))?;
    Ok((k, score))
}

/// Load a workspace and check it: the shared start of `check`, `build`,
/// `report` and the evaluator.
fn check_paths(
    paths: &[PathBuf],
    today: Option<NaiveDate>,
    require_reason: bool,
) -> Result<(load::Loaded, koujing_checker::Report), String> {
    let loaded = load::load(paths, load::Empty::Refuse)?;
    let options = Options {
        today: today.unwrap_or_else(|| chrono::Local::now().date_naive()),
        config: loaded.config.clone(),
        require_reason,
    };
    let report = check(&loaded.workspace, &options);
    Ok((loaded, report))
}

/// The evaluator's data: the given bundle, or the sources compiled in memory.
fn runtime(
    paths: &[PathBuf],
    bundle_dir: Option<&PathBuf>,
) -> Result<(koujing_checker::query::Runtime, Option<Lang>), String> {
    if let Some(dir) = bundle_dir {
        let files = bundle::read(dir)?;
        return Ok((koujing_checker::query::Runtime::from_files(&files)?, None));
    }
    // `koujing test` may name .kjtest files beside the workspace folders.
    let sources: Vec<PathBuf> = paths
        .iter()
        .filter(|p| p.is_dir() || p.extension().is_some_and(|e| e == "kj"))
        .cloned()
        .collect();
    let (loaded, report) = check_paths(&sources, None, false)?;
    let errors = report.count(Severity::Error);
    if errors > 0 {
        return Err(format!(
            "工作区有 {errors} 个错误,先运行 koujing check / the workspace has {errors} errors; run koujing check first"
        ));
    }
    let build_options = koujing_checker::compile::BuildOptions {
        source_paths: loaded.relative.clone(),
        source_date_epoch: None,
        signing_key: None,
    };
    let built = koujing_checker::compile::build(&loaded.workspace, &build_options);
    Ok((
        koujing_checker::query::Runtime::from_files(&built.files)?,
        loaded.config.lang,
    ))
}

fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("expected a date YYYY-MM-DD, found `{text}`"))
}

/// Message language from the flag, the config, then the environment.
fn pick_lang(flag: Option<&str>, config: Option<Lang>) -> Result<Lang, String> {
    if let Some(flag) = flag {
        return Lang::parse(flag)
            .ok_or_else(|| format!("--lang {flag}: 应为 zh-CN 或 en / must be zh-CN or en"));
    }
    if let Some(lang) = config {
        return Ok(lang);
    }
    for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        if let Some(lang) = std::env::var(var)
            .ok()
            .filter(|v| !v.is_empty())
            .and_then(|v| Lang::parse(&v))
        {
            return Ok(lang);
        }
    }
    Ok(Lang::Zh)
}

fn read_text(path: &std::path::Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("无法读取 / cannot read {}: {e}", path.display()))
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Build {
            paths,
            out,
            sign_key,
            lang,
            today,
        } => {
            let (loaded, report) = check_paths(&paths, today, false)?;
            let lang = pick_lang(lang.as_deref(), loaded.config.lang)?;
            let signing_key = match &sign_key {
                Some(path) => Some(
                    koujing_checker::compile::manifest::read_secret(&read_text(path)?)
                        .ok_or_else(|| format!("{}: 不是 koujing keygen 生成的私钥 / not a key from `koujing keygen`", path.display()))?,
                ),
                None => None,
            };
            let errors = report.count(Severity::Error);
            let mut stdout = std::io::stdout().lock();
            if errors > 0 {
                let color =
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                let _ = stdout
                    .write_all(render::human(&loaded.workspace, &report, lang, color).as_bytes());
                let _ = writeln!(
                    stdout,
                    "{}",
                    if lang.is_zh() {
                        format!("构建已取消:有 {errors} 个错误,未写入任何文件")
                    } else {
                        format!("build refused: {errors} errors; nothing was written")
                    }
                );
                return Ok(ExitCode::from(1));
            }
            let source_date_epoch = std::env::var("SOURCE_DATE_EPOCH")
                .ok()
                .and_then(|v| v.trim().parse().ok());
            let build_options = koujing_checker::compile::BuildOptions {
                source_paths: loaded.relative.clone(),
                source_date_epoch,
                signing_key,
            };
            let built = koujing_checker::compile::build(&loaded.workspace, &build_options);
            bundle::write(&built, &out)?;
            let _ = writeln!(
                stdout,
                "{}",
                if lang.is_zh() {
                    format!("已生成 {}:{} 个文件", out.display(), built.files.len())
                } else {
                    format!("built {}: {} files", out.display(), built.files.len())
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Keygen { out } => {
            let (key, public) = bundle::keygen(&out)?;
            let _ = writeln!(std::io::stdout(), "{}\n{}", key.display(), public.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { dir, pubkey, lang } => {
            let lang = pick_lang(lang.as_deref(), None)?;
            let public = match &pubkey {
                Some(path) => Some(
                    koujing_checker::compile::manifest::read_public(&read_text(path)?).ok_or_else(
                        || format!("{}: 不是公钥文件 / not a public key file", path.display()),
                    )?,
                ),
                None => None,
            };
            let files = bundle::read(&dir)?;
            let problems = bundle::verify(&files, public.as_ref());
            let mut stdout = std::io::stdout().lock();
            if problems.is_empty() {
                let signed = if public.is_some() {
                    if lang.is_zh() {
                        ",签名有效"
                    } else {
                        ", signature valid"
                    }
                } else {
                    ""
                };
                let _ = writeln!(
                    stdout,
                    "{}{signed}",
                    if lang.is_zh() {
                        "产物校验通过"
                    } else {
                        "bundle verified"
                    }
                );
                Ok(ExitCode::SUCCESS)
            } else {
                for problem in &problems {
                    let _ = writeln!(stdout, "{}", problem.get(lang));
                }
                Ok(ExitCode::from(1))
            }
        }
        Command::Diff {
            old,
            new,
            format,
            lang,
        } => {
            let lang = pick_lang(lang.as_deref(), None)?;
            let differences =
                koujing_checker::compile::diff::diff(&bundle::read(&old)?, &bundle::read(&new)?)?;
            let mut stdout = std::io::stdout().lock();
            match format {
                Format::Sarif | Format::Github | Format::Junit => {
                    return Err(
                        "diff 只支持 --format human|json / diff supports --format human|json"
                            .to_string(),
                    )
                }
                Format::Json => {
                    let list: Vec<serde_json::Value> = differences
                        .iter()
                        .map(|d| {
                            serde_json::json!({
                                "kind": d.kind,
                                "change": d.change,
                                "name": d.name,
                                "fields": d.fields.iter().map(|(f, a, b)| serde_json::json!({ "field": f, "old": a, "new": b })).collect::<Vec<_>>(),
                                "message": d.describe(lang.is_zh()),
                            })
                        })
                        .collect();
                    let text =
                        serde_json::to_string_pretty(&serde_json::json!({ "differences": list }))
                            .map_err(|e| e.to_string())?;
                    let _ = writeln!(stdout, "{text}");
                }
                Format::Human => {
                    for d in &differences {
                        let _ = writeln!(stdout, "{}", d.describe(lang.is_zh()));
                    }
                    if differences.is_empty() {
                        let _ = writeln!(
                            stdout,
                            "{}",
                            if lang.is_zh() {
                                "两个产物内容相同"
                            } else {
                                "no differences"
                            }
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => {
            let code: Code = code.parse().map_err(|()| {
                format!("未知的诊断代码 / unknown code `{code}` (KJ0001 … KJ7003)")
            })?;
            let info = code.info();
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{} ({}) · {} · {} / {}\n",
                info.code,
                info.name,
                info.severity.as_str(),
                info.summary_zh,
                info.summary_en
            );
            let _ = writeln!(out, "{}", info.explanation);
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            paths,
            format,
            lang,
            deny,
            fail_level,
            today,
            color,
            only,
            require_reason,
        } => {
            let (loaded, mut report) = check_paths(&paths, today, require_reason)?;
            let lang = pick_lang(lang.as_deref(), loaded.config.lang)?;
            if !only.is_empty() {
                let ids = load::file_ids(&loaded.workspace, &only)?;
                report.diagnostics.retain(|d| {
                    ids.contains(&d.file) || d.related.iter().any(|r| ids.contains(&r.file))
                });
                report.suppressions.retain(|s| ids.contains(&s.file));
            }
            let threshold = match (deny, fail_level) {
                (Some(Deny::Warnings), FailLevel::Error) => Severity::Warning,
                (_, FailLevel::Error) => Severity::Error,
                (_, FailLevel::Warning) => Severity::Warning,
                (_, FailLevel::Info) => Severity::Info,
            };
            let text = match format {
                Format::Json => {
                    let value = render::json(&loaded.workspace, &report, lang);
                    serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n"
                }
                Format::Sarif => {
                    let value = koujing_checker::ci::sarif(&loaded.workspace, &report, lang);
                    serde_json::to_string_pretty(&value).map_err(|e| e.to_string())? + "\n"
                }
                Format::Github => koujing_checker::ci::github(&loaded.workspace, &report, lang),
                Format::Junit => {
                    koujing_checker::ci::junit(&loaded.workspace, &report, lang, threshold)
                }
                Format::Human => {
                    let color = match color {
                        Color::Always => true,
                        Color::Never => false,
                        Color::Auto => {
                            std::io::stdout().is_terminal()
                                && std::env::var_os("NO_COLOR").is_none()
                        }
                    };
                    render::human(&loaded.workspace, &report, lang, color)
                }
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            let failed = report.diagnostics.iter().any(|d| d.severity >= threshold);
            Ok(if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Report {
            paths,
            out,
            lang,
            today,
        } => {
            let (loaded, report) = check_paths(&paths, today, false)?;
            let lang = pick_lang(lang.as_deref(), loaded.config.lang)?;
            let html = koujing_checker::report::html(&loaded.workspace, &report, lang);
            bundle::write_file(&out, html.as_bytes())?;
            let _ = writeln!(std::io::stdout(), "{}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Fmt { paths, check } => {
            let (_, files) = load::kj_files(&paths)?;
            let mut stdout = std::io::stdout().lock();
            let (mut changed, mut refused) = (0, 0);
            for (path, shown) in files {
                let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                let Ok(text) = String::from_utf8(bytes) else {
                    let _ = writeln!(
                        stdout,
                        "{shown}: 不是 UTF-8,未格式化 / not UTF-8; not formatted"
                    );
                    refused += 1;
                    continue;
                };
                match koujing_grammar::format::format(&text) {
                    Ok(formatted) if formatted == text => {}
                    Ok(formatted) => {
                        changed += 1;
                        if check {
                            let _ = writeln!(stdout, "{shown}");
                        } else {
                            bundle::write_file(&path, formatted.as_bytes())?;
                            let _ = writeln!(stdout, "formatted {shown}");
                        }
                    }
                    Err(koujing_grammar::format::FormatError::Syntax) => {
                        refused += 1;
                        let _ = writeln!(stdout, "{shown}: 有语法错误,未格式化 / has syntax errors; not formatted (koujing check)");
                    }
                    Err(koujing_grammar::format::FormatError::Unstable(why)) => {
                        refused += 1;
                        let _ = writeln!(
                            stdout,
                            "{shown}: 格式化结果不安全,未写入 / not formatted: {why}"
                        );
                    }
                }
            }
            Ok(if refused > 0 || (check && changed > 0) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Lsp => {
            let orderly = koujing_lsp::run_stdio().map_err(|e| format!("lsp: {e}"))?;
            Ok(if orderly {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Query { query } => {
            let (source, format) = match &query {
                QueryCommand::Offers { source, .. }
                | QueryCommand::Commission { source, .. }
                | QueryCommand::Grade { source, .. } => (source, source.format),
            };
            let (runtime, config_lang) = runtime(&source.paths, source.bundle.as_ref())?;
            let lang = pick_lang(source.lang.as_deref(), config_lang)?;
            let zh = lang.is_zh();
            let fail = |e: koujing_checker::query::QueryError| e.0.get(lang).to_string();
            let (json, human): (serde_json::Value, String) = match &query {
                QueryCommand::Offers {
                    date,
                    region,
                    channel,
                    set,
                    ..
                } => {
                    let q = koujing_checker::query::OfferQuery {
                        date: *date,
                        region: region.clone(),
                        channel: channel.clone(),
                        set: set.clone(),
                    };
                    let offers = runtime.offers(&q).map_err(fail)?;
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
                    (serde_json::json!({ "offers": offers }), text)
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
                    let q = koujing_checker::query::CommissionQuery {
                        date: *date,
                        channel: channel.clone(),
                        grade: grade.clone(),
                        product: product.clone(),
                        tenure: *tenure,
                        set: set.clone(),
                    };
                    let answer = runtime.commission(&q).map_err(fail)?;
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
                            if zh {
                                "没有匹配的规则"
                            } else {
                                "no row matches"
                            },
                            n.reasons.join(", ")
                        ));
                    }
                    (
                        serde_json::to_value(&answer).map_err(|e| e.to_string())?,
                        text,
                    )
                }
                QueryCommand::Grade { model, scores, .. } => {
                    let answer = runtime
                        .grade(&koujing_checker::query::GradeQuery {
                            model: model.clone(),
                            scores: scores.clone(),
                        })
                        .map_err(fail)?;
                    let mut text = format!(
                        "{}: {} {} → {}\n",
                        answer.model,
                        if zh { "得分" } else { "score" },
                        answer.score,
                        answer.grade.as_deref().unwrap_or("—")
                    );
                    for c in &answer.contributions {
                        text.push_str(&format!(
                            "  {} {} × {} = {}\n",
                            c.factor, c.weight, c.score, c.contribution
                        ));
                    }
                    (
                        serde_json::to_value(&answer).map_err(|e| e.to_string())?,
                        text,
                    )
                }
            };
            let out = match format {
                Format::Json => {
                    serde_json::to_string_pretty(&json).map_err(|e| e.to_string())? + "\n"
                }
                _ => human,
            };
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        Command::Test {
            paths,
            bundle,
            format,
            lang,
        } => {
            let (runtime, config_lang) = runtime(&paths, bundle.as_ref())?;
            let lang = pick_lang(lang.as_deref(), config_lang)?;
            let cwd = std::env::current_dir().map_err(|e| e.to_string())?;
            let files = kjtest::find(&paths)?;
            if files.is_empty() {
                return Err("没有找到 .kjtest 文件 / no .kjtest files found".into());
            }
            let mut outcomes = Vec::new();
            for file in &files {
                let shown = file
                    .strip_prefix(&cwd)
                    .unwrap_or(file)
                    .display()
                    .to_string();
                outcomes.extend(kjtest::run_file(&runtime, file, &shown, lang)?);
            }
            let failed = outcomes.iter().filter(|o| !o.diff.is_empty()).count();
            let mut out = String::new();
            match format {
                Format::Junit => out = kjtest::junit(&outcomes),
                _ => {
                    for o in &outcomes {
                        if o.diff.is_empty() {
                            out.push_str(&format!("PASS {} · {}\n", o.file, o.name));
                        } else {
                            out.push_str(&format!("FAIL {} · {}\n", o.file, o.name));
                            for line in &o.diff {
                                for l in line.lines() {
                                    out.push_str(&format!("    {l}\n"));
                                }
                            }
                        }
                    }
                    out.push_str(&format!(
                        "{} passed, {failed} failed\n",
                        outcomes.len() - failed
                    ));
                }
            }
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            Ok(if failed > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(shell, &mut command, "koujing", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let man = clap_mangen::Man::new(Cli::command());
            let mut out = Vec::new();
            man.render(&mut out).map_err(|e| e.to_string())?;
            let _ = std::io::stdout().lock().write_all(&out);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A large stack: parsing is bounded by the depth limit, but rendering and
    // the analyses should never be the thing that runs out.
    let worker = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || run(cli));
    let outcome = match worker {
        Ok(handle) => handle
            .join()
            .unwrap_or_else(|_| Err("internal error: the checker panicked".to_string())),
        Err(e) => Err(format!("cannot start: {e}")),
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            let _ = writeln!(std::io::stderr(), "koujing: {message}");
            ExitCode::from(2)
        }
    }
}
