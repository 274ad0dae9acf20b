#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Property tests on generated valid workspaces: the analyses agree with a
//! brute-force day-by-day reference (KJ2001, KJ2002) and with enumeration
//! (KJ2102); results do not depend on file order; `fmt` is idempotent and
//! keeps the meaning; every prefix of a shipped file checks without panic.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use koujing_checker::{check, Code, Config, Options, Workspace};
use proptest::prelude::*;

const BASE: &str = "regions 江西 { 甲市 { 甲一, 甲二 } 乙市 { 乙一 } }\nchannel 厅 { type: owned }\nchannel 线 { type: electronic }\ndimension 品牌 { values: [全球通, 神州行] }\nproduct 包一 { kind: data; price: 10 元/月 }\nproduct 包二 { kind: data; price: 20 元/月 }\nsupport 系统 { kind: system; ready: 2026-01-01 }\nsupport 知识 { kind: knowledge; ready: 2026-01-01 }\n";

const LEAVES: [(&str, &str); 3] = [("甲一", "甲市"), ("甲二", "甲市"), ("乙一", "乙市")];
const BRANDS: [&str; 2] = ["全球通", "神州行"];

#[derive(Clone, Debug)]
struct Camp {
    issuer: usize, // 0 province, 1 甲市, 2 乙市
    regions: Option<Vec<usize>>,
    start: u32,
    len: u32,
    offer: usize,
    channels: Vec<usize>,
    stackable: bool,
    brands: Option<Vec<usize>>,
}

fn camp() -> impl Strategy<Value = Camp> {
    (
        0usize..3,
        proptest::option::of(proptest::sample::subsequence(vec![0usize, 1, 2], 1..=3)),
        0u32..20,
        0u32..8,
        0usize..2,
        proptest::sample::subsequence(vec![0usize, 1], 1..=2),
        any::<bool>(),
        proptest::option::of(proptest::sample::subsequence(vec![0usize, 1], 1..=2)),
    )
        .prop_map(
            |(issuer, regions, start, len, offer, channels, stackable, brands)| Camp {
                issuer,
                regions,
                start,
                len,
                offer,
                channels,
                stackable,
                brands,
            },
        )
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + chrono::Duration::days(i64::from(n))
}

impl Camp {
    fn issuer_name(&self) -> &'static str {
        ["江西", "甲市", "乙市"][self.issuer]
    }

    fn leaves(&self) -> Vec<usize> {
        match &self.regions {
            Some(r) => r.clone(),
            None => (0..3)
                .filter(|&l| self.issuer == 0 || LEAVES[l].1 == self.issuer_name())
                .collect(),
        }
    }

    fn text(&self, name: &str) -> String {
        let regions = self.regions.as_ref().map_or(String::new(), |r| {
            format!(
                "regions: [{}]; ",
                r.iter()
                    .map(|&l| LEAVES[l].0)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
        let audience = self.brands.as_ref().map_or(String::new(), |b| {
            format!(
                "audience {{ 品牌: [{}] }}; ",
                b.iter().map(|&x| BRANDS[x]).collect::<Vec<_>>().join(", ")
            )
        });
        format!(
            "campaign {name} {{ issuer: {}; {regions}window: {} .. {}; {audience}offer: 包{}; benefit: discount 10%; channels: [{}]; stacking: {}; requires: [系统, 知识]; faq {{ \"{name}怎么办?\": \"到厅办理。\" }} }}\n",
            self.issuer_name(),
            day(self.start),
            day(self.start + self.len),
            ["一", "二"][self.offer],
            self.channels.iter().map(|&c| ["厅", "线"][c]).collect::<Vec<_>>().join(", "),
            if self.stackable { "stackable" } else { "exclusive" },
        )
    }

    fn applies(&self, leaf: usize, d: u32, channel: usize, brand: usize) -> bool {
        self.leaves().contains(&leaf)
            && self.start <= d
            && d <= self.start + self.len
            && self.channels.contains(&channel)
            && self.brands.as_ref().is_none_or(|b| b.contains(&brand))
    }
}

fn name(i: usize) -> String {
    format!("活动{i}")
}

fn workspace(camps: &[Camp], extra: &str) -> Workspace {
    let body: String = camps
        .iter()
        .enumerate()
        .map(|(i, c)| c.text(&name(i)))
        .collect();
    Workspace::new([
        ("base.kj".to_string(), format!("{BASE}{extra}").into_bytes()),
        ("c.kj".to_string(), body.into_bytes()),
    ])
}

fn options() -> Options {
    Options {
        today: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        config: Config::default(),
        require_reason: false,
    }
}

/// Campaign names a diagnostic involves: the one its span is in, and the
/// ones its related locations are in.
fn involved(ws: &Workspace, d: &koujing_checker::Diagnostic) -> BTreeSet<String> {
    let name_at = |file: usize, span: koujing_grammar::Span| -> Option<String> {
        ws.file(file)?
            .parsed
            .module
            .items
            .iter()
            .find_map(|item| match item {
                koujing_grammar::ast::Item::Campaign(c) if c.span.contains(span) => {
                    Some(c.name.text.to_string())
                }
                _ => None,
            })
    };
    std::iter::once(name_at(d.file, d.span))
        .chain(d.related.iter().map(|r| name_at(r.file, r.span)))
        .flatten()
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn conflicts_agree_with_a_day_by_day_reference(camps in proptest::collection::vec(camp(), 1..7)) {
        let ws = workspace(&camps, "limits { max_concurrent: 99 }\n");
        let report = check(&ws, &options());
        let reported: BTreeSet<BTreeSet<String>> =
            report.diagnostics.iter().filter(|d| d.code == Code::KJ2001).map(|d| involved(&ws, d)).collect();
        let mut expected = BTreeSet::new();
        for i in 0..camps.len() {
            for j in i + 1..camps.len() {
                let (a, b) = (&camps[i], &camps[j]);
                if a.offer != b.offer || (a.stackable && b.stackable) {
                    continue;
                }
                let both = (0..3).any(|leaf| (0..30).any(|d| (0..2).any(|ch| (0..2).any(|br| a.applies(leaf, d, ch, br) && b.applies(leaf, d, ch, br)))));
                if both {
                    expected.insert([name(i), name(j)].into_iter().collect::<BTreeSet<_>>());
                }
            }
        }
        prop_assert_eq!(reported, expected);
    }

    #[test]
    fn clustering_agrees_with_a_day_by_day_count(camps in proptest::collection::vec(camp(), 1..9)) {
        let ws = workspace(&camps, "limits { max_concurrent: 2 }\n");
        let report = check(&ws, &options());
        let found: Vec<_> = report.diagnostics.iter().filter(|d| d.code == Code::KJ2002).collect();
        let mut reported: BTreeMap<String, (BTreeSet<String>, String)> = BTreeMap::new();
        for d in &found {
            let mut names = involved(&ws, d);
            let primary = d.message.en.split('`').nth(1).unwrap().to_string();
            prop_assert!(names.remove(&primary), "{} not on its campaign", d.message.en);
            prop_assert!(reported.insert(primary, (names, d.message.en.clone())).is_none(), "two findings on one campaign");
        }
        // The reference: every lane and day, active campaigns ordered by
        // (start, name); from the third on, over the limit.
        #[derive(Default)]
        struct Expect { peak: usize, with: BTreeSet<String>, days: BTreeSet<u32>, lanes: BTreeSet<(usize, usize)> }
        let mut expected: BTreeMap<usize, Expect> = BTreeMap::new();
        for leaf in 0..3 {
            for ch in 0..2 {
                for d in 0..30 {
                    let mut active: Vec<usize> = (0..camps.len())
                        .filter(|&i| { let c = &camps[i]; c.leaves().contains(&leaf) && c.channels.contains(&ch) && c.start <= d && d <= c.start + c.len })
                        .collect();
                    active.sort_by_key(|&i| (camps[i].start, name(i)));
                    for &me in active.iter().skip(2) {
                        let e = expected.entry(me).or_default();
                        e.peak = e.peak.max(active.len());
                        e.with.extend(active.iter().filter(|&&o| o != me).map(|&o| name(o)));
                        e.days.insert(d);
                        e.lanes.insert((ch, leaf));
                    }
                }
            }
        }
        let describe = |leaves: &BTreeSet<usize>| -> String {
            let mut names = Vec::new();
            if leaves.len() == 3 {
                return "江西".to_string();
            }
            if leaves.contains(&0) && leaves.contains(&1) {
                names.push("甲市");
            } else {
                names.extend(leaves.iter().filter(|&&l| l < 2).map(|&l| LEAVES[l].0));
            }
            if leaves.contains(&2) {
                names.push("乙市");
            }
            names.join(", ")
        };
        let mut want: BTreeMap<String, (BTreeSet<String>, String)> = BTreeMap::new();
        for (me, e) in expected {
            let mut groups: Vec<(BTreeSet<usize>, Vec<&str>)> = Vec::new();
            for ch in 0..2 {
                let leaves: BTreeSet<usize> = e.lanes.iter().filter(|l| l.0 == ch).map(|l| l.1).collect();
                if leaves.is_empty() {
                    continue;
                }
                match groups.iter_mut().find(|g| g.0 == leaves) {
                    Some(g) => g.1.push(["厅", "线"][ch]),
                    None => groups.push((leaves, vec![["厅", "线"][ch]])),
                }
            }
            let lanes: Vec<String> = groups.iter().map(|(l, c)| format!("regions {} on channels {}", describe(l), c.join(", "))).collect();
            let mut runs: Vec<(u32, u32)> = Vec::new();
            for &d in &e.days {
                match runs.last_mut() {
                    Some(r) if r.1 + 1 == d => r.1 = d,
                    _ => runs.push((d, d)),
                }
            }
            let days: Vec<String> = runs.iter().map(|&(a, b)| if a == b { day(a).to_string() } else { format!("{} ~ {}", day(a), day(b)) }).collect();
            let message = format!("`{}` is one campaign too many: up to {} at once, above the limit of 2; {}; dates {}", name(me), e.peak, lanes.join("; "), days.join(", "));
            want.insert(name(me), (e.with, message));
        }
        prop_assert_eq!(reported, want);
    }

    #[test]
    fn results_do_not_depend_on_file_order(camps in proptest::collection::vec(camp(), 1..6), split in 0usize..6, rotate in 0usize..3) {
        let texts: Vec<String> = camps.iter().enumerate().map(|(i, c)| c.text(&name(i))).collect();
        let cut = split.min(texts.len());
        let first: String = texts[..cut].concat();
        let second: String = texts[cut..].concat();
        // The same files found in another order: byte-identical output.
        let mut files = vec![
            ("a.kj".to_string(), BASE.as_bytes().to_vec()),
            ("b.kj".to_string(), first.clone().into_bytes()),
            ("c.kj".to_string(), second.clone().into_bytes()),
        ];
        let one = Workspace::new(files.clone());
        files.rotate_left(rotate);
        let two = Workspace::new(files);
        let json = |ws: &Workspace| koujing_checker::render::json(ws, &check(ws, &options()), koujing_checker::Lang::En).to_string();
        prop_assert_eq!(json(&one), json(&two));
        // The same items in other files: the same findings about the same campaigns.
        let moved = Workspace::new([("a.kj".into(), BASE.as_bytes().to_vec()), ("b.kj".into(), second.into_bytes()), ("c.kj".into(), first.into_bytes())]);
        let key = |ws: &Workspace| -> BTreeMap<(Code, BTreeSet<String>), usize> {
            let mut m = BTreeMap::new();
            for d in check(ws, &options()).diagnostics {
                *m.entry((d.code, involved(ws, &d))).or_insert(0) += 1;
            }
            m
        };
        prop_assert_eq!(key(&one), key(&moved));
    }

    #[test]
    fn build_reusing_the_check_equals_a_build_from_scratch(camps in proptest::collection::vec(camp(), 1..7)) {
        // `koujing build` compiles from the check's results (its stackable
        // groups) instead of analysing again: the bundle must be the same.
        let ws = workspace(&camps, "");
        let report = check(&ws, &options());
        let options = koujing_checker::compile::BuildOptions::default();
        let reused = koujing_checker::compile::build(&ws, &report, &options);
        let scratch = koujing_checker::compile::build_unchecked(&ws, &options);
        prop_assert_eq!(reused.files, scratch.files);
    }

    #[test]
    fn fmt_is_idempotent_and_keeps_meaning(camps in proptest::collection::vec(camp(), 0..6)) {
        let text: String = camps.iter().enumerate().map(|(i, c)| c.text(&name(i))).collect();
        let source = format!("// 生成的工作区\n{BASE}{text}");
        // `format` refuses any output that parses to another tree or loses a comment.
        let once = koujing_grammar::format::format(&source).unwrap();
        let twice = koujing_grammar::format::format(&once).unwrap();
        prop_assert_eq!(&once, &twice);
        let before = check(&Workspace::new([("a.kj".into(), source.into_bytes())]), &options());
        let after = check(&Workspace::new([("a.kj".into(), once.into_bytes())]), &options());
        let codes = |r: &koujing_checker::Report| r.diagnostics.iter().map(|d| (d.code, d.message.en.clone())).collect::<Vec<_>>();
        prop_assert_eq!(codes(&before), codes(&after));
    }

    #[test]
    fn tenure_gaps_agree_with_enumeration(rows in proptest::collection::vec((1u32..25, 0u32..6, any::<bool>()), 1..6)) {
        let mut rates = String::new();
        for (lo, len, inclusive) in &rows {
            let hi = lo + len;
            if *inclusive {
                rates.push_str(&format!("    tenure {lo} 个月 ..= {hi} 个月 => {}%\n", 1 + lo));
            } else if hi > *lo {
                rates.push_str(&format!("    tenure {lo} 个月 .. {hi} 个月 => {}%\n", 1 + lo));
            }
        }
        rates.push_str("    tenure 31 个月 .. => 50%\n");
        let table = format!("channel 店 {{ type: social }}\ncommission 分成 {{\n  kind: revenue_share\n  period: 2026-01-01 .. 2026-12-31\n  channels: [店]\n  rates {{\n{rates}  }}\n}}\n");
        let ws = Workspace::new([("a.kj".into(), table.into_bytes())]);
        let report = check(&ws, &options());
        // Enumerate months 1..=30.
        let covered = |m: u32| rows.iter().any(|(lo, len, inclusive)| {
            let hi = lo + len;
            m >= *lo && (if *inclusive { m <= hi } else { m < hi })
        });
        let expected: BTreeSet<u32> = (1..=30).filter(|m| !covered(*m)).collect();
        let mut reported = BTreeSet::new();
        for d in report.diagnostics.iter().filter(|d| d.code == Code::KJ2102) {
            let gaps = d.message.en.rsplit("uncovered: ").next().unwrap().to_string();
            for gap in gaps.split("; ") {
                let gap = gap.trim_start_matches("tenure [").trim_end_matches(" 个月").trim_end_matches([']', ')']);
                let (a, b) = gap.split_once(", ").unwrap();
                let a: u32 = a.parse().unwrap();
                let b: u32 = if b.starts_with('+') { 30 } else { b.parse().unwrap() };
                reported.extend(a..=b);
            }
        }
        prop_assert_eq!(reported, expected);
    }
}

#[test]
fn every_prefix_of_every_policy_file_checks_without_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policies");
    let mut files = Vec::new();
    for dir in ["province", "cities", "commission", "grading"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            files.push((
                path.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(path).unwrap(),
            ));
        }
    }
    for (name, text) in &files {
        for (i, _) in text.char_indices().step_by(97) {
            let mut sources: Vec<(String, Vec<u8>)> = files
                .iter()
                .filter(|(n, _)| n != name)
                .map(|(n, t)| (n.clone(), t.clone().into_bytes()))
                .collect();
            sources.push((name.clone(), text.as_bytes()[..i].to_vec()));
            let _ = check(&Workspace::new(sources), &options());
        }
    }
}
