//! Findings of the parser and the lowering, before they meet the registry.
//!
//! The grammar crate knows nothing of severities or message templates: it
//! names the code and fills the template's arguments; `koujing-checker` turns
//! an [`Issue`] into a diagnostic through its one registry of codes.

use crate::span::Span;

/// The codes the grammar crate can raise.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IssueCode {
    /// Syntax error.
    Syntax,
    /// Typographic quotes used as string delimiters.
    TypographicQuote,
    /// Full-width punctuation outside a string.
    FullWidth,
    /// Unterminated string.
    Unterminated,
    /// Input limit exceeded.
    Limit,
    /// Empty or reversed range.
    EmptyRange,
    /// Unit or type mismatch.
    UnitMismatch,
    /// Required field missing.
    MissingField,
    /// Unknown field.
    UnknownField,
    /// Value out of range.
    OutOfRange,
    /// Impossible date.
    ImpossibleDate,
}

/// An argument of a message template. Identifiers, numbers and quoted text are
/// never translated ([`Arg::Plain`]); words of the tool's own are given in both
/// languages ([`Arg::Text`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    Plain(String),
    Text { zh: String, en: String },
}

impl Arg {
    pub fn plain(text: impl AsRef<str>) -> Arg {
        Arg::Plain(text.as_ref().to_string())
    }

    pub fn text(zh: impl Into<String>, en: impl Into<String>) -> Arg {
        Arg::Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The argument in one language (`zh` true for zh-CN).
    pub fn get(&self, zh: bool) -> &str {
        match self {
            Arg::Plain(text) => text,
            Arg::Text { zh: z, en } => {
                if zh {
                    z
                } else {
                    en
                }
            }
        }
    }
}

/// One replacement of a byte span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A suggested fix: a label in both languages and the edits that apply it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub zh: String,
    pub en: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    /// Replace `span` with the closest known name: "did you mean `X`?".
    pub fn did_you_mean(span: Span, best: &str) -> Fix {
        Fix {
            zh: format!("是否应为 `{best}`?"),
            en: format!("did you mean `{best}`?"),
            edits: vec![Edit {
                span,
                replacement: best.to_string(),
            }],
        }
    }
}

/// A finding of the grammar crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub code: IssueCode,
    pub span: Span,
    pub args: Vec<(&'static str, Arg)>,
    pub fix: Option<Fix>,
}

impl Issue {
    pub fn new(code: IssueCode, span: Span) -> Self {
        Issue {
            code,
            span,
            args: Vec::new(),
            fix: None,
        }
    }

    pub fn arg(mut self, name: &'static str, value: Arg) -> Self {
        self.args.push((name, value));
        self
    }

    pub fn plain(self, name: &'static str, value: impl AsRef<str>) -> Self {
        self.arg(name, Arg::plain(value))
    }

    pub fn text(self, name: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        self.arg(name, Arg::text(zh, en))
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

impl crate::tree::Shift for Issue {
    fn move_by(&mut self, delta: isize) {
        crate::tree::Shift::move_by(&mut self.span, delta);
        if let Some(fix) = &mut self.fix {
            for edit in &mut fix.edits {
                crate::tree::Shift::move_by(&mut edit.span, delta);
            }
        }
    }
}
