//! The one plain diagnostic type. Renderers (miette for the terminal, JSON,
//! the LSP's `to_proto`) all read it.

use koujing_grammar::{Arg, Fix, Issue, IssueCode, Span};

use crate::codes::{Code, Severity};

/// Index of a file in the [`crate::Workspace`].
pub type FileId = usize;

/// The language of messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn is_zh(self) -> bool {
        self == Lang::Zh
    }

    /// The language tag: `zh-CN` or `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The zh-CN or the en text of a pair (for texts that come in pairs
    /// from elsewhere, such as a fix's two wordings).
    pub fn pick<'s>(self, zh: &'s str, en: &'s str) -> &'s str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// `zh-CN`, `zh`, `zh_CN.UTF-8` → Chinese; `en`, `en_US`, `C` → English.
    pub fn parse(text: &str) -> Option<Lang> {
        let lower = text.trim().to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Lang::Zh)
        } else if lower.starts_with("en")
            || lower == "c"
            || lower.starts_with("c.")
            || lower == "posix"
        {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// A text in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalText {
    pub zh: String,
    pub en: String,
}

impl LocalText {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        LocalText {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text made for each language by `text` (for a catalogue message
    /// whose arguments are themselves localised).
    pub fn from_fn(text: impl Fn(Lang) -> String) -> Self {
        LocalText::new(text(Lang::Zh), text(Lang::En))
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl From<LocalText> for Arg {
    /// A text in both languages as a diagnostic argument.
    fn from(text: LocalText) -> Arg {
        Arg::text(text.zh, text.en)
    }
}

/// A secondary location: "other campaign defined here".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Span,
    pub message: LocalText,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub file: FileId,
    pub span: Span,
    pub message: LocalText,
    pub related: Vec<Related>,
    /// A hint line (did-you-mean, how to fix) when there is no mechanical fix.
    pub help: Option<LocalText>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// The fix's wording in one language.
    pub fn fix_text(&self, lang: Lang) -> Option<&str> {
        self.fix.as_ref().map(|f| lang.pick(&f.zh, &f.en))
    }

    /// The fix in one language, else the help.
    pub fn fix_or_help(&self, lang: Lang) -> Option<&str> {
        self.fix_text(lang)
            .or_else(|| self.help.as_ref().map(|h| h.get(lang)))
    }

    /// A diagnostic with its message filled from the registry's templates.
    pub fn new(code: Code, file: FileId, span: Span, args: &[(&'static str, Arg)]) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            file,
            span,
            message: LocalText {
                zh: code.format(Lang::Zh, args),
                en: code.format(Lang::En, args),
            },
            related: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn related(mut self, file: FileId, span: Span, message: LocalText) -> Self {
        self.related.push(Related {
            file,
            span,
            message,
        });
        self
    }

    pub fn help(mut self, help: LocalText) -> Self {
        self.help = Some(help);
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// From a finding of the grammar crate.
    pub fn from_issue(file: FileId, issue: &Issue) -> Self {
        let code = match issue.code {
            IssueCode::Syntax => Code::KJ0001,
            IssueCode::TypographicQuote => Code::KJ0002,
            IssueCode::FullWidth => Code::KJ0003,
            IssueCode::Unterminated => Code::KJ0004,
            IssueCode::Limit => Code::KJ0005,
            IssueCode::EmptyRange => Code::KJ1004,
            IssueCode::UnitMismatch => Code::KJ1005,
            IssueCode::MissingField => Code::KJ1006,
            IssueCode::UnknownField => Code::KJ1007,
            IssueCode::OutOfRange => Code::KJ1008,
            IssueCode::ImpossibleDate => Code::KJ1010,
        };
        let mut diagnostic = Diagnostic::new(code, file, issue.span, &issue.args);
        diagnostic.fix = issue.fix.clone();
        diagnostic
    }
}
