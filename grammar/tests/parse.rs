#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Parser tests for every construct and every syntax code.

use koujing_grammar::ast::*;
use koujing_grammar::{parse_file, IssueCode, Span};
use rust_decimal::Decimal;

fn codes(source: &str) -> Vec<IssueCode> {
    parse_file(source).issues.iter().map(|i| i.code).collect()
}

fn only(source: &str) -> Item {
    let parsed = parse_file(source);
    assert!(parsed.issues.is_empty(), "{:#?}", parsed.issues);
    assert_eq!(parsed.module.items.len(), 1);
    parsed.module.items.into_iter().next().unwrap()
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn spec_examples_parse_clean() {
    let source = include_str!("fixtures/spec_examples.kj");
    let parsed = parse_file(source);
    assert!(parsed.issues.is_empty(), "{:#?}", parsed.issues);
    assert_eq!(parsed.module.items.len(), 22);
}

#[test]
fn regions_tree_with_commas_and_newlines() {
    let Item::Regions(regions) =
        only("regions 江西 \"江西省\" {\n  抚州 { 临川区, 崇仁县\n 乐安县 }\n  南昌 { 东湖区 }\n}")
    else {
        panic!()
    };
    assert_eq!(regions.name.text, "江西");
    assert_eq!(regions.title.unwrap().value, "江西省");
    assert_eq!(regions.children.len(), 2);
    let names: Vec<&str> = regions.children[0]
        .children
        .iter()
        .map(|n| n.name.text.as_str())
        .collect();
    assert_eq!(names, ["临川区", "崇仁县", "乐安县"]);
}

#[test]
fn channel_fields() {
    let Item::Channel(c) =
        only("channel 指定专营店 { type: social; handles: [plan, sim_card]; grading: 星级评定 }")
    else {
        panic!()
    };
    assert_eq!(c.channel_type.unwrap().node, ChannelType::Social);
    let kinds: Vec<ProductKind> = c.handles.unwrap().iter().map(|k| k.node).collect();
    assert_eq!(kinds, [ProductKind::Plan, ProductKind::SimCard]);
    assert_eq!(c.grading.unwrap().text, "星级评定");
}

#[test]
fn dimensions_enumerated_and_numeric() {
    let Item::Dimension(d) = only("dimension 品牌 { values: [全球通, 神州行, 动感地带,] }")
    else {
        panic!()
    };
    assert_eq!(d.values.unwrap().len(), 3);
    let Item::Dimension(d) = only("dimension 在网时长 { unit: 个月 }") else {
        panic!()
    };
    assert_eq!(d.unit.unwrap().node, Unit::Month);
}

#[test]
fn quantities_are_exact_decimals_with_units() {
    let Item::Product(p) = only("product 流量包 { kind: data; price: 9.9 元/月 }") else {
        panic!()
    };
    let price = p.price.unwrap().node;
    assert_eq!(price.value, dec("9.9"));
    assert_eq!(price.unit, Unit::YuanPerMonth);
    let Item::Product(p) = only("product 全球通100元卡 { kind: sim_card; face_value: 1_000CNY }")
    else {
        panic!()
    };
    assert_eq!(p.face_value.unwrap().node.value, dec("1000"));
}

#[test]
fn support_dates_and_requires() {
    let Item::Support(s) = only(
        "support 知识库 { kind: knowledge; ready: 2026-11-25; until: 2027-06-30; channels: [热线10086]; requires: [BOSS配置] }",
    ) else {
        panic!()
    };
    assert_eq!(s.ready.unwrap().node.to_string(), "2026-11-25");
    assert_eq!(s.until.unwrap().node.to_string(), "2027-06-30");
    assert_eq!(s.requires[0].text, "BOSS配置");
}

#[test]
fn term_with_aliases_and_faq() {
    let Item::Term(t) = only("term 达量限速 {\n jargon: true\n aliases: [\"限速\"]\n plain: \"网速变慢\\n不收费\"\n faq { \"什么是达量限速?\": \"流量用完后网速变慢。\" }\n}") else {
        panic!()
    };
    assert!(t.jargon);
    assert_eq!(t.aliases[0].value, "限速");
    assert_eq!(t.plain.unwrap().value, "网速变慢\n不收费");
    assert_eq!(t.faq[0].question.value, "什么是达量限速?");
    let Item::Term(t) = only("term ARPU { jargon: false }") else {
        panic!()
    };
    assert!(!t.jargon);
}

#[test]
fn campaign_with_every_field() {
    let source = include_str!("fixtures/spec_examples.kj");
    let parsed = parse_file(source);
    let campaign = parsed
        .module
        .items
        .iter()
        .find_map(|i| match i {
            Item::Campaign(c) => Some(c),
            _ => None,
        })
        .unwrap();
    assert_eq!(campaign.issuer.as_ref().unwrap().text, "抚州");
    let window = campaign.window.unwrap();
    assert_eq!(
        (window.start.to_string(), window.end.unwrap().to_string()),
        ("2026-12-01".into(), "2026-12-31".into())
    );
    assert_eq!(campaign.audience.len(), 2);
    let AudienceValue::Range(spend) = &campaign.audience[1].value else {
        panic!()
    };
    assert_eq!(spend.node.math(), "[58, +∞) 元");
    assert_eq!(
        campaign.benefit.as_ref().unwrap().node,
        Benefit::Discount(dec("50"))
    );
    assert_eq!(campaign.stacking.node, Stacking::Exclusive);
    assert_eq!(campaign.extends.as_ref().unwrap().text, "全省冬季关怀");
    assert_eq!(campaign.requires.len(), 3);
    assert_eq!(campaign.wording.len(), 3);
    assert_eq!(campaign.faq.len(), 1);
}

#[test]
fn benefit_forms_and_stacking() {
    let base = |benefit: &str, stacking: &str| {
        format!("campaign 甲 {{ issuer: 抚州; window: 2026-12-01 ..; offer: 包; benefit: {benefit}; channels: [厅]; stacking: {stacking} }}")
    };
    let cases = [
        (
            "price 5 元/月",
            Benefit::Price(koujing_grammar::tree::Quantity {
                value: dec("5"),
                unit: Unit::YuanPerMonth,
            }),
        ),
        ("gift \"送话费\"", Benefit::Gift("送话费".into())),
        (
            "bonus 2 GB",
            Benefit::Bonus(koujing_grammar::tree::Quantity {
                value: dec("2"),
                unit: Unit::Gb,
            }),
        ),
        ("points x2", Benefit::Points(dec("2"))),
    ];
    for (text, expected) in cases {
        let Item::Campaign(c) = only(&base(text, "stackable")) else {
            panic!()
        };
        assert_eq!(c.benefit.unwrap().node, expected, "{text}");
        assert_eq!(c.stacking.node, Stacking::Stackable);
        assert!(c.window.unwrap().end.is_none());
    }
    let Item::Campaign(c) = only(&base("discount 10%", "with [乙, 丙]")) else {
        panic!()
    };
    let Stacking::With(partners) = c.stacking.node else {
        panic!()
    };
    assert_eq!(partners.len(), 2);
}

#[test]
fn commission_rows_and_ranges() {
    let source = "commission 话费分成 {\n kind: revenue_share\n period: 2026-01-01 .. 2026-12-31\n channels: [指定专营店]\n rates {\n  tenure 1 个月 ..= 6 个月, grade [五星, 四星] => 5%\n  tenure 13 个月 .. => 10%\n  月消费 .. 50 元 => 3%\n  product 卡 => 40 元\n }\n}";
    let Item::Commission(c) = only(source) else {
        panic!()
    };
    assert_eq!(c.kind.unwrap().node, CommissionKind::RevenueShare);
    assert_eq!(c.rows.len(), 4);
    let ConditionValue::Interval(first) = &c.rows[0].conditions[0].value else {
        panic!()
    };
    assert_eq!(first.math(), "[1, 6] 个月");
    let ConditionValue::Interval(open) = &c.rows[1].conditions[0].value else {
        panic!()
    };
    assert_eq!(open.math(), "[13, +∞) 个月");
    let ConditionValue::Interval(below) = &c.rows[2].conditions[0].value else {
        panic!()
    };
    assert_eq!(below.math(), "(-∞, 50) 元");
    let ConditionValue::Names(grades) = &c.rows[0].conditions[1].value else {
        panic!()
    };
    assert_eq!(grades.len(), 2);
    assert_eq!(c.rows[3].output.unwrap().node.unit, Unit::Yuan);
}

#[test]
fn half_open_and_inclusive_intervals() {
    let Item::Grading(g) =
        only("grading 星级 { factor 甲 40% { factor 乙 100% { source: \"系统\" } }\n factor 丙 60%\n grades { 高: 90 ..= 100; 低: 0 .. 90 } }")
    else {
        panic!()
    };
    assert_eq!(g.factors.len(), 2);
    assert_eq!(
        g.factors[0].children[0].source.as_ref().unwrap().value,
        "系统"
    );
    assert_eq!(g.grades[0].band.math(), "[90, 100]");
    assert_eq!(g.grades[1].band.math(), "[0, 90)");
    assert!(g.grades[1].band.contains(dec("89.99")));
    assert!(!g.grades[1].band.contains(dec("90")));
}

#[test]
fn mix_and_limits() {
    let Item::Mix(m) = only("mix 结构 { first_return: 30%; revenue_share: 70% }") else {
        panic!()
    };
    assert_eq!(m.shares.len(), 2);
    let Item::Limits(l) = only("limits { max_concurrent: 3; support_lead: 3 天; required_support: [system, knowledge]; max_first_return_ratio: 60% }") else {
        panic!()
    };
    assert!(l.region.is_none());
    assert_eq!(l.max_concurrent.unwrap().node, 3);
    assert_eq!(
        l.support_lead.unwrap().node,
        Duration {
            amount: 3,
            unit: Unit::Day
        }
    );
    let Item::Limits(l) = only("limits 抚州 { max_concurrent: 2 }") else {
        panic!()
    };
    assert_eq!(l.region.unwrap().text, "抚州");
}

#[test]
fn keywords_are_reserved_only_where_expected() {
    let Item::Product(p) = only("product window { kind: data }") else {
        panic!()
    };
    assert_eq!(p.name.text, "window");
}

#[test]
fn comments_are_kept_in_a_side_table() {
    let parsed = parse_file("// 头部注释\nchannel 厅 { type: owned } // 行尾注释\n");
    let texts: Vec<&str> = parsed
        .syntax
        .comments
        .iter()
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(texts, [" 头部注释", " 行尾注释"]);
    assert!(parsed.issues.is_empty());
}

#[test]
fn full_width_punctuation_is_accepted_with_kj0003() {
    let parsed = parse_file("mix 结构 { first_return：30%； revenue_share: 70% }\ndimension 品牌 { values: 【全球通，神州行】 }");
    assert_eq!(parsed.module.items.len(), 2);
    assert!(parsed.issues.iter().all(|i| i.code == IssueCode::FullWidth));
    assert_eq!(parsed.issues.len(), 5);
    assert!(parsed.issues.iter().all(|i| i.fix.is_some()));
}

#[test]
fn typographic_quotes_are_kj0002_with_a_fix() {
    let source = "term 甲 { plain: “你好” }";
    let parsed = parse_file(source);
    assert_eq!(codes(source), [IssueCode::TypographicQuote]);
    let fix = parsed.issues[0].fix.as_ref().unwrap();
    assert_eq!(fix.edits.len(), 2);
    assert_eq!(&source[fix.edits[0].span.start..fix.edits[0].span.end], "“");
    let Item::Term(t) = &parsed.module.items[0] else {
        panic!()
    };
    assert_eq!(t.plain.as_ref().unwrap().value, "你好");
    // Inside an ASCII string they are text.
    assert!(codes("term 甲 { plain: \"他说“好”\" }").is_empty());
}

#[test]
fn unterminated_string_is_kj0004_only() {
    assert_eq!(
        codes("term 甲 { plain: \"abc }\nterm 乙 { }"),
        [IssueCode::Unterminated]
    );
}

#[test]
fn syntax_error_recovers_at_next_item() {
    let parsed = parse_file("channel 甲 { type: owned\nchannel 乙 { type: owned }\nproduct 丙 { kind: = }\nproduct 丁 { kind: data }\n");
    assert_eq!(
        codes("channel 甲 { type: owned\nchannel 乙 { type: owned }"),
        [IssueCode::Syntax]
    );
    let names: Vec<String> = parsed
        .module
        .items
        .iter()
        .map(|i| match i {
            Item::Channel(c) => c.name.text.to_string(),
            Item::Product(p) => p.name.text.to_string(),
            _ => String::new(),
        })
        .collect();
    assert_eq!(names, ["乙", "丁"]);
}

#[test]
fn deep_nesting_is_kj0005_not_a_stack_overflow() {
    for depth in [257usize, 100_000] {
        let source = format!(
            "term 甲 {{ aliases: {}{} }}\nterm 乙 {{ }}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let parsed = parse_file(&source);
        assert!(parsed.issues.iter().any(|i| i.code == IssueCode::Limit));
        assert_eq!(
            parsed.module.items.len(),
            1,
            "the next item is still parsed"
        );
    }
    // 255 brackets inside one brace: 256 levels, allowed.
    let ok = format!(
        "term 甲 {{ aliases: {}{} }}",
        "[".repeat(255),
        "]".repeat(255)
    );
    assert!(!codes(&ok).contains(&IssueCode::Limit));
}

#[test]
fn oversized_file_is_kj0005() {
    let source = "x".repeat(koujing_grammar::prescan::MAX_FILE_BYTES + 1);
    assert_eq!(codes(&source), [IssueCode::Limit]);
}

#[test]
fn lowering_codes() {
    assert_eq!(
        codes("support 甲 { kind: system; ready: 2026-02-30 }"),
        [IssueCode::ImpossibleDate]
    );
    assert_eq!(
        codes("channel 甲 { type: owned; handle: [plan] }"),
        [IssueCode::UnknownField]
    );
    assert_eq!(
        codes("channel 甲 { handles: [plan] }"),
        [IssueCode::MissingField]
    );
    assert_eq!(codes("channel 甲 { type: ownd }"), [IssueCode::OutOfRange]);
    assert_eq!(
        codes("product 甲 { kind: data; price: -5 元 }"),
        [IssueCode::OutOfRange]
    );
    assert_eq!(
        codes("product 甲 { kind: data; price: 5% }"),
        [IssueCode::UnitMismatch]
    );
    assert_eq!(
        codes("mix 甲 { first_return: 130% }"),
        [IssueCode::OutOfRange]
    );
    assert_eq!(
        codes("grading 甲 { factor 乙 0%\n grades { 全: 0 ..= 100 } }"),
        [IssueCode::OutOfRange]
    );
    assert_eq!(
        codes("grading 甲 { factor 乙 100%\n grades { 全: 90 .. 80 } }"),
        [IssueCode::EmptyRange]
    );
    assert_eq!(
        codes("campaign 甲 { issuer: 乙; window: 2026-12-31 .. 2026-12-01; offer: 丙; benefit: discount 5%; channels: [丁] }"),
        [IssueCode::EmptyRange]
    );
    assert_eq!(codes("term 甲 { plain: \"\\q\" }"), [IssueCode::Syntax]);
}

#[test]
fn unknown_field_suggests_the_closest_name() {
    let parsed = parse_file("campaign 甲 { widow: 2026-12-01 .. 2026-12-31 }");
    let issue = parsed
        .issues
        .iter()
        .find(|i| i.code == IssueCode::UnknownField)
        .unwrap();
    assert_eq!(issue.fix.as_ref().unwrap().edits[0].replacement, "window");
}

#[test]
fn a_field_given_twice_keeps_the_first_and_reports_the_second() {
    let source =
        "campaign 甲 { issuer: 乙; offer: 丙; window: 2026-12-01 .. 2026-12-31; offer: 丁; \
                  benefit: discount 5%; channels: [戊]; issuer: 己; offer: 庚 }";
    let parsed = parse_file(source);
    let again: Vec<&str> = parsed
        .issues
        .iter()
        .map(|i| {
            assert_eq!(i.code, IssueCode::Syntax, "{i:?}");
            &source[i.span.start..i.span.end]
        })
        .collect();
    assert_eq!(again, ["offer", "issuer", "offer"]);
    let second_offer = source.find("offer: 丁").unwrap();
    assert_eq!(parsed.issues[0].span.start, second_offer);
    let Some(Item::Campaign(c)) = parsed.module.items.first() else {
        panic!("{:?}", parsed.module.items)
    };
    assert_eq!(c.offer.as_ref().unwrap().text, "丙");
    assert_eq!(c.issuer.as_ref().unwrap().text, "乙");
}

#[test]
fn spans_are_byte_offsets_into_the_source() {
    let source = "channel 厅 \"😀冬季\" { type: owned }";
    let Item::Channel(c) = only(source) else {
        panic!()
    };
    let title = c.title.unwrap();
    assert_eq!(title.span, Span::new(12, 12 + "\"😀冬季\"".len()));
    assert_eq!(title.value, "😀冬季");
    let kind = c.channel_type.unwrap();
    assert_eq!(&source[kind.span.start..kind.span.end], "owned");
    // An emoji is no identifier: a syntax error, not a panic.
    assert_eq!(codes("channel 😀 { type: owned }"), [IssueCode::Syntax]);
}

#[test]
fn every_prefix_of_every_example_parses_without_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "examples/syntax",
        "examples/resolution",
        "examples/suppressions",
        "policies/province",
        "policies/cities",
        "policies/commission",
        "policies/grading",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    assert!(files.len() >= 10);
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let Ok(text) = std::str::from_utf8(&bytes) else {
            continue;
        };
        for (i, _) in text.char_indices().step_by(11) {
            let _ = parse_file(&text[..i]);
        }
    }
}

#[test]
fn fmt_is_idempotent_and_keeps_meaning_on_every_shipped_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut formatted_files = 0;
    for dir in [
        "examples/resolution",
        "examples/suppressions",
        "examples/conflicts",
        "examples/commission",
        "examples/grading",
        "examples/wording",
        "examples/support",
        "examples/jargon",
        "policies/province",
        "policies/cities",
        "policies/commission",
        "policies/grading",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "kj") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // `format` itself refuses output that parses to another tree or
            // loses a comment; here: it succeeds and is idempotent.
            let once = koujing_grammar::format::format(&text)
                .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
            let twice = koujing_grammar::format::format(&once).unwrap();
            assert_eq!(once, twice, "{}", path.display());
            assert_eq!(
                parse_file(&once).syntax.comments.len(),
                parse_file(&text).syntax.comments.len()
            );
            formatted_files += 1;
        }
    }
    assert!(formatted_files >= 20);
    // A file with a syntax error is refused.
    let broken = std::fs::read_to_string(root.join("examples/syntax/basics.kj")).unwrap();
    assert_eq!(
        koujing_grammar::format::format(&broken),
        Err(koujing_grammar::format::FormatError::Syntax)
    );
}

#[test]
fn reparsing_after_an_edit_reuses_items_and_gives_the_same_result() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut checked = 0;
    for dir in [
        "policies/cities",
        "policies/province",
        "examples/syntax",
        "examples/resolution",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let Ok(old) = std::fs::read_to_string(&path) else {
                continue;
            };
            let before = parse_file(&old);
            let mut boundaries: Vec<usize> =
                old.char_indices().map(|(i, _)| i).step_by(53).collect();
            boundaries.push(old.len());
            for &at in &boundaries {
                for edit in ["x", "\n", "}", "campaign 新 { }\n", ""] {
                    let mut new = old.clone();
                    if edit.is_empty() {
                        if let Some(c) = new.get(at..).and_then(|t| t.chars().next()) {
                            new.replace_range(at..at + c.len_utf8(), "");
                        }
                    } else {
                        new.insert_str(at, edit);
                    }
                    let reused = koujing_grammar::parse_file_reusing(&new, Some((&old, &before)));
                    let fresh = parse_file(&new);
                    // Spans included: the reused items moved exactly.
                    assert_eq!(
                        format!("{:?}", reused.syntax.items),
                        format!("{:?}", fresh.syntax.items),
                        "{} at {at}",
                        path.display()
                    );
                    assert_eq!(reused.issues, fresh.issues, "{} at {at}", path.display());
                    assert_eq!(
                        format!("{:?}", reused.module),
                        format!("{:?}", fresh.module)
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 500);
}
