//! How the editor shows each kind of item (symbol kind, completion item
//! kind, semantic token type), generated from the `look` column of the
//! grammar's item table.

use koujing_checker::resolve::Kind;
use lsp_types::{CompletionItemKind, SemanticTokenType, SymbolKind};

/// The token types before the kinds' own, in legend order.
const LEADING: [SemanticTokenType; LEADING_COUNT] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
];

pub const KEYWORD: u32 = 0;
pub const PROPERTY: u32 = 1;
pub const STRING: u32 = 2;
pub const NUMBER: u32 = 3;
pub const COMMENT: u32 = 4;
/// After the kinds' token types.
pub const ENUM_MEMBER: u32 = (LEADING_COUNT + Kind::COUNT) as u32;
const LEADING_COUNT: usize = 5;

macro_rules! define_looks {
    ($([$(#[doc = $doc:literal])* $kind:ident $keyword:literal $variant:ident($payload:ty) $ast:ident
        ($($table:ident by $lower:ident)?) ($zh:literal, $en:literal)
        ($symbol:ident, $completion:ident, $token:ident) ($fields:expr) $example:literal])*) => {
        /// The token types, in legend order: the leading ones, one per
        /// kind (in table order), then enum members.
        pub fn token_types() -> Vec<SemanticTokenType> {
            let mut types = LEADING.to_vec();
            types.extend([$(SemanticTokenType::$token),*]);
            types.push(SemanticTokenType::ENUM_MEMBER);
            types
        }

        /// The symbol kind of an item of `kind` (outline, workspace symbols).
        pub fn symbol_kind(kind: Kind) -> SymbolKind {
            match kind {
                $(Kind::$kind => SymbolKind::$symbol,)*
            }
        }

        /// The completion item kind of a name of `kind`.
        pub fn completion_kind(kind: Kind) -> CompletionItemKind {
            match kind {
                $(Kind::$kind => CompletionItemKind::$completion,)*
            }
        }
    };
}

koujing_grammar::item_kinds!(define_looks);

/// The semantic token type (a position in [`token_types`]) of a name of `kind`.
pub fn token(kind: Kind) -> u32 {
    LEADING_COUNT as u32 + kind as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_token_type() {
        let types = token_types();
        assert_eq!(types.len(), ENUM_MEMBER as usize + 1);
        assert_eq!(
            types.get(ENUM_MEMBER as usize),
            Some(&SemanticTokenType::ENUM_MEMBER)
        );
        assert_eq!(
            types.get(KEYWORD as usize),
            Some(&SemanticTokenType::KEYWORD)
        );
        assert_eq!(
            types.get(COMMENT as usize),
            Some(&SemanticTokenType::COMMENT)
        );
        let kinds: Vec<&SemanticTokenType> = Kind::ALL
            .iter()
            .filter_map(|&k| types.get(token(k) as usize))
            .collect();
        assert_eq!(kinds.len(), Kind::COUNT);
        assert_eq!(
            types.get(token(Kind::Region) as usize),
            Some(&SemanticTokenType::NAMESPACE)
        );
        assert_eq!(
            types.get(token(Kind::Limits) as usize),
            Some(&SemanticTokenType::VARIABLE)
        );
    }
}
