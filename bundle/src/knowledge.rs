//! `knowledge.json`: the glossary and every FAQ entry, de-duplicated, each
//! with the campaigns, terms, channels and dates that use it (知识库共享).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::domain::DateSpan;

/// The whole of `knowledge.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "Koujing knowledge.json: glossary and FAQ for 10086 and the counters")]
#[schemars(deny_unknown_fields)]
pub struct KnowledgeFile {
    /// The bundle format: 2.
    #[schemars(extend("const" = 2))]
    pub format: u32,
    /// Every glossary term, by term.
    pub glossary: Vec<GlossaryEntry>,
    /// Every FAQ entry, by question then answer.
    pub faq: Vec<FaqEntry>,
}

/// A glossary term.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct GlossaryEntry {
    /// The term.
    pub term: String,
    /// Other words for it, in source order.
    pub aliases: Vec<String>,
    /// Its plain explanation, if any.
    pub plain: Option<String>,
    /// Whether it is jargon customers should not see unexplained.
    pub jargon: bool,
}

/// A de-duplicated FAQ entry and where it is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct FaqEntry {
    /// The question (as first written).
    pub question: String,
    /// The answer (as first written).
    pub answer: String,
    /// Campaigns that carry it, sorted.
    pub campaigns: Vec<String>,
    /// Glossary terms that carry it, sorted.
    pub terms: Vec<String>,
    /// Channels of those campaigns, sorted.
    pub channels: Vec<String>,
    /// Windows of those campaigns, sorted.
    pub dates: Vec<DateSpan>,
}
