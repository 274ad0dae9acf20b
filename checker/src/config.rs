//! `koujing.toml`: lint levels, message language, roots.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::codes::{Code, Severity};
use crate::diagnostic::{Lang, LocalText};
use crate::messages::Msg;

/// What a lint level in `[lints]` may say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Allow,
    Set(Severity),
}

/// A read `koujing.toml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub lang: Option<Lang>,
    pub roots: Vec<String>,
    pub lints: BTreeMap<Code, Level>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    lang: Option<String>,
    #[serde(default)]
    roots: Vec<String>,
    #[serde(default)]
    lints: BTreeMap<String, String>,
}

impl Config {
    /// Read the text of a `koujing.toml`; the error says what is wrong, in
    /// both languages.
    pub fn parse(text: &str) -> Result<Config, LocalText> {
        let raw: RawConfig = toml::from_str(text)
            .map_err(|e| Msg::ConfigUnreadable.text(&[("error", &e.to_string().trim_end())]))?;
        let lang = match raw.lang {
            None => None,
            Some(l) => {
                Some(Lang::parse(&l).ok_or_else(|| Msg::ConfigBadLang.text(&[("lang", &l)]))?)
            }
        };
        let mut lints = BTreeMap::new();
        for (code_text, level_text) in raw.lints {
            let code: Code = code_text
                .parse()
                .map_err(|()| Msg::ConfigUnknownCode.text(&[("code", &code_text)]))?;
            let level = parse_level(&level_text).map_err(|guess| {
                let hint = |lang| {
                    guess.map_or_else(String::new, |g| {
                        Msg::ConfigLevelHint.get(lang, &[("level", &g)])
                    })
                };
                let args = |lang| {
                    Msg::ConfigBadLevel.get(
                        lang,
                        &[
                            ("code", &code_text),
                            ("level", &level_text),
                            ("hint", &hint(lang)),
                        ],
                    )
                };
                LocalText::from_fn(args)
            })?;
            lints.insert(code, level);
        }
        Ok(Config {
            lang,
            roots: raw.roots,
            lints,
        })
    }
}

/// The documented levels, in the order the docs list them.
const LEVELS: [&str; 4] = ["allow", "info", "warning", "error"];

/// Read one level; the error is a did-you-mean guess, if there is one.
/// Only the documented spellings are accepted: `off`, `warn` and `deny`
/// are what other linters call them, so they get a suggestion, not a pass.
fn parse_level(text: &str) -> Result<Level, Option<&'static str>> {
    match text {
        "allow" => return Ok(Level::Allow),
        "info" => return Ok(Level::Set(Severity::Info)),
        "warning" => return Ok(Level::Set(Severity::Warning)),
        "error" => return Ok(Level::Set(Severity::Error)),
        _ => {}
    }
    let lower = text.trim().to_ascii_lowercase();
    let alias = match lower.as_str() {
        "off" | "none" | "ignore" | "disable" | "disabled" | "false" => Some("allow"),
        "warn" => Some("warning"),
        "deny" | "forbid" | "err" => Some("error"),
        "note" | "hint" => Some("info"),
        _ => None,
    };
    let guess = alias.or_else(|| {
        LEVELS
            .iter()
            .copied()
            .map(|l| (strsim::damerau_levenshtein(&lower, l), l))
            .filter(|(d, _)| *d <= 2)
            .min()
            .map(|(_, l)| l)
    });
    Err(guess)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_levels_and_lang() {
        let config =
            Config::parse("lang = \"en\"\n[lints]\nKJ2002 = \"error\"\nKJ5003 = \"allow\"\n")
                .unwrap();
        assert_eq!(config.lang, Some(Lang::En));
        assert_eq!(
            config.lints.get(&Code::KJ2002),
            Some(&Level::Set(Severity::Error))
        );
        assert_eq!(config.lints.get(&Code::KJ5003), Some(&Level::Allow));
    }

    #[test]
    fn rejects_unknown_codes_and_keys() {
        assert!(Config::parse("[lints]\nKJ9999 = \"error\"\n").is_err());
        assert!(Config::parse("colour = true\n").is_err());
        assert!(Config::parse("[lints]\nKJ2002 = \"loud\"\n").is_err());
    }

    #[test]
    fn undocumented_levels_get_a_suggestion() {
        for (given, suggested) in [
            ("off", "allow"),
            ("warn", "warning"),
            ("deny", "error"),
            ("Error", "error"),
            ("eror", "error"),
            ("inf", "info"),
        ] {
            let error = Config::parse(&format!("[lints]\nKJ2002 = \"{given}\"\n")).unwrap_err();
            assert!(
                error.en.contains(&format!("did you mean \"{suggested}\"")),
                "{given}: {error:?}"
            );
            assert!(
                error.zh.contains(&format!("你是想写 \"{suggested}\"")),
                "{given}: {error:?}"
            );
        }
        let error = Config::parse("[lints]\nKJ2002 = \"loud\"\n").unwrap_err();
        assert!(!error.en.contains("did you mean"), "{error:?}");
    }
}
