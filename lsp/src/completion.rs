//! Completion: where the cursor is (which item, which block, which field or
//! list, inside a comment or a string) from a scan of the item's text, and
//! what fits there from the semantic model and the grammar's field table.

use koujing_checker::semantic::Symbol;
use koujing_grammar::fields::{self, Shape};
use koujing_grammar::kinds::Kind;
use koujing_grammar::prescan::ITEM_KEYWORDS;
use lsp_types::*;
use serde_json::json;

use crate::handlers::at;
use crate::hover;
use crate::looks::completion_kind;
use crate::server::Server;

/// An open `{` or `[`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Frame {
    /// A block, named by the word before it (`audience`, `rates`, or the item).
    Block(String),
    /// A list, with the field it is the value of and the names in it so far.
    List { key: String, names: Vec<String> },
}

/// What the cursor is in.
#[derive(Debug, PartialEq, Eq)]
enum Place {
    /// Between items.
    Top,
    /// A comment or a string: nothing to offer.
    Text,
    /// In the item `keyword`, inside `frames` (outermost first), after
    /// `key:` (or a rate condition's key) when `key` is set.
    In {
        keyword: String,
        frames: Vec<Frame>,
        key: Option<String>,
    },
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// Where `offset` is in `text`.
fn place(text: &str, offset: usize) -> Place {
    let Some(before) = text.get(..offset) else {
        return Place::Top;
    };
    // The item: the last line that starts with an item keyword.
    let mut item = None;
    let mut at = 0;
    for line in before.split_inclusive('\n') {
        if let Some(kw) = ITEM_KEYWORDS.iter().find(|k| {
            line.strip_prefix(**k)
                .is_some_and(|rest| rest.starts_with([' ', '{', '\t']))
        }) {
            item = Some((at, *kw));
        }
        at += line.len();
    }
    let Some((start, keyword)) = item else {
        return if in_text(before) {
            Place::Text
        } else {
            Place::Top
        };
    };
    let mut frames: Vec<Frame> = Vec::new();
    let mut key: Option<String> = None;
    let mut word = String::new();
    let mut last_word = String::new();
    let mut chars = before.get(start..).unwrap_or_default().chars().peekable();
    let mut in_string = false;
    let mut in_comment = false;
    while let Some(c) = chars.next() {
        if in_comment {
            in_comment = c != '\n';
            if in_comment {
                continue;
            }
        }
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' | '\n' => in_string = false,
                _ => {}
            }
            continue;
        }
        if is_word(c) {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            last_word = std::mem::take(&mut word);
            if let Some(Frame::List { names, .. }) = frames.last_mut() {
                names.push(last_word.clone());
            } else if matches!(frames.last(), Some(Frame::Block(b)) if b == "rates")
                && key.is_none()
                && c == ' '
            {
                // A rate condition's key: `product X`.
                key = Some(last_word.clone());
            }
        }
        match c {
            '"' => in_string = true,
            '/' if chars.peek() == Some(&'/') => in_comment = true,
            ':' => key = Some(std::mem::take(&mut last_word)),
            '{' => {
                frames.push(Frame::Block(std::mem::take(&mut last_word)));
                key = None;
            }
            '}' => {
                frames.pop();
                key = None;
            }
            '[' => frames.push(Frame::List {
                key: key.take().unwrap_or_default(),
                names: Vec::new(),
            }),
            ']' => {
                if let Some(Frame::List { key: k, .. }) = frames.pop() {
                    key = Some(k);
                }
            }
            ';' | '\n' if matches!(frames.last(), Some(Frame::Block(_))) => key = None,
            ',' | '>' if matches!(frames.last(), Some(Frame::Block(_))) => key = None,
            _ => {}
        }
    }
    if in_comment || in_string {
        return Place::Text;
    }
    if frames.is_empty() {
        return Place::Top;
    }
    Place::In {
        keyword: keyword.to_string(),
        frames,
        key,
    }
}

/// Is the end of `before` inside a comment or a string (of its last line)?
fn in_text(before: &str) -> bool {
    let line = before.rsplit('\n').next().unwrap_or(before);
    let mut chars = line.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') | (false, '"') => in_string = !in_string,
            (false, '/') if chars.peek() == Some(&'/') => return true,
            _ => {}
        }
    }
    in_string
}

fn keyword_items<'a>(
    words: impl IntoIterator<Item = &'a str>,
    kind: CompletionItemKind,
) -> Vec<CompletionItem> {
    words
        .into_iter()
        .map(|w| CompletionItem {
            label: w.to_string(),
            kind: Some(kind),
            ..Default::default()
        })
        .collect()
}

/// The names of a kind, minus those already listed; `detail` is the kind and
/// title, `documentation` comes on `completionItem/resolve`.
fn names(server: &Server, kind: Kind, listed: &[String]) -> Vec<CompletionItem> {
    let label = hover::kind_label(kind, server.lang);
    server
        .report
        .model
        .symbols_of(kind)
        .into_iter()
        .filter(|s: &Symbol<'_>| !listed.iter().any(|l| l == s.name))
        .map(|s| CompletionItem {
            label: s.name.to_string(),
            kind: Some(completion_kind(kind)),
            detail: Some(match s.title {
                Some(title) => format!("{label} — {title}"),
                None => label.clone(),
            }),
            data: Some(json!({ "kind": format!("{kind:?}"), "name": s.name })),
            ..Default::default()
        })
        .collect()
}

/// Add the hover text of a name as the item's documentation.
pub fn resolve(server: &Server, mut item: CompletionItem) -> CompletionItem {
    let found = item.data.as_ref().and_then(|data| {
        let kind = Kind::ALL
            .into_iter()
            .find(|k| data["kind"].as_str() == Some(&format!("{k:?}")))?;
        hover::text(server, kind, data["name"].as_str()?)
    });
    if let Some(text) = found {
        item.documentation = Some(Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text,
        }));
    }
    item
}

/// Values that fit after `key:` in the item `keyword` (or in its `block`).
fn values(
    server: &Server,
    keyword: &str,
    block: &str,
    key: &str,
    listed: &[String],
) -> Vec<CompletionItem> {
    if block == "audience" || (block == "rates" && !["product", "grade", "tenure"].contains(&key)) {
        return dimension_values(server, key, listed);
    }
    if (keyword, block, key) == ("commission", "rates", "product") {
        return names(server, Kind::Product, listed);
    }
    // What the key takes, from the item table (or the sub-block's keys).
    let keys = fields::of(if block.is_empty() { keyword } else { block });
    match keys
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, shape)| *shape)
    {
        Some(Shape::Names(kind)) => names(server, kind, listed),
        Some(Shape::Words(words)) => {
            let mut items = keyword_items(words.iter().copied(), CompletionItemKind::ENUM_MEMBER);
            items.retain(|i| !listed.contains(&i.label));
            items
        }
        _ => Vec::new(),
    }
}

/// The values of an enumerated dimension.
fn dimension_values(server: &Server, name: &str, listed: &[String]) -> Vec<CompletionItem> {
    let Some(symbol) = server.report.model.definition(Kind::Dimension, name) else {
        return Vec::new();
    };
    let Some(koujing_grammar::ast::Item::Dimension(d)) = hover::item_of(&server.workspace, symbol)
    else {
        return Vec::new();
    };
    d.values
        .iter()
        .flatten()
        .filter(|v| !listed.iter().any(|l| *l == v.text))
        .map(|v| CompletionItem {
            label: v.text.to_string(),
            kind: Some(CompletionItemKind::ENUM_MEMBER),
            detail: Some(format!(
                "{} `{name}`",
                hover::kind_label(Kind::Dimension, server.lang)
            )),
            ..Default::default()
        })
        .collect()
}

/// Keys that fit in a block.
fn keys(server: &Server, keyword: &str, frames: &[Frame]) -> Vec<CompletionItem> {
    let field = CompletionItemKind::FIELD;
    let inner = match frames.last() {
        Some(Frame::Block(name)) => name.as_str(),
        _ => "",
    };
    if frames.len() == 1 {
        let mut items = keyword_items(fields::of(keyword).iter().map(|(k, _)| *k), field);
        if keyword == "grading" {
            items.extend(keyword_items(["factor"], CompletionItemKind::KEYWORD));
        }
        return items;
    }
    match inner {
        "audience" => names(server, Kind::Dimension, &[]),
        "rates" => {
            let mut items =
                keyword_items(["product", "grade", "tenure"], CompletionItemKind::KEYWORD);
            items.extend(names(server, Kind::Dimension, &[]));
            items
        }
        "wording" => keyword_items(["headline", "body", "sms"], field),
        _ if keyword == "grading" => {
            let mut items = keyword_items(["factor"], CompletionItemKind::KEYWORD);
            items.extend(keyword_items(
                fields::of("factor").iter().map(|(k, _)| *k),
                field,
            ));
            items
        }
        _ => Vec::new(),
    }
}

pub fn completion(server: &Server, params: CompletionParams) -> Option<CompletionResponse> {
    let (file, offset) = at(server, &params.text_document_position)?;
    let items = match place(&file.text, offset) {
        Place::Text => return None,
        Place::Top => keyword_items(ITEM_KEYWORDS, CompletionItemKind::KEYWORD),
        Place::In {
            keyword,
            frames,
            key,
        } => {
            // The innermost block below the item's own (`audience`, `rates`…).
            let block = frames
                .iter()
                .enumerate()
                .rev()
                .find_map(|(i, f)| match f {
                    Frame::Block(name) if i > 0 => Some(name.as_str()),
                    _ => None,
                })
                .unwrap_or_default();
            match (frames.last(), key) {
                (Some(Frame::List { key, names: listed }), _) if key == "stacking" => {
                    names(server, Kind::Campaign, listed)
                }
                (Some(Frame::List { key, names: listed }), _) => {
                    values(server, &keyword, block, key, listed)
                }
                (_, Some(key)) => values(server, &keyword, block, &key, &[]),
                _ => keys(server, &keyword, &frames),
            }
        }
    };
    Some(CompletionResponse::Array(items))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn place_at(text: &str) -> Place {
        let offset = text.find('|').unwrap();
        let text = text.replace('|', "");
        place(&text, offset)
    }

    #[test]
    fn places() {
        assert_eq!(place_at("|"), Place::Top);
        assert_eq!(place_at("// a comment |"), Place::Text);
        assert_eq!(place_at("campaign a { // x |\n}"), Place::Text);
        assert_eq!(place_at("campaign a { title: \"x |\" }"), Place::Text);
        let Place::In { frames, key, .. } =
            place_at("campaign a {\n  channels: [\n    x,\n    |\n  ]\n}")
        else {
            panic!("in the campaign")
        };
        assert_eq!(
            frames.last(),
            Some(&Frame::List {
                key: "channels".into(),
                names: vec!["x".into()]
            })
        );
        assert_eq!(key, None);
        let Place::In { frames, key, .. } = place_at("campaign a {\n  channels: [x]\n  |\n}")
        else {
            panic!("in the campaign")
        };
        assert_eq!(frames.len(), 1);
        assert_eq!(key, None);
        let Place::In { key, .. } = place_at("commission a {\n  rates {\n    product |") else {
            panic!("in the table")
        };
        assert_eq!(key.as_deref(), Some("product"));
    }
}
