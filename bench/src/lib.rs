//! A synthetic province workspace generator, deterministic from a seed.
//!
//! A realistic province: 11 cities, ~100 counties, every channel type,
//! 200 products, a 100-term glossary, N campaigns of 1–8 weeks over a year
//! (most county-level, some city-level, a few province-wide), commission
//! tables with hundreds of rows, a grading model; split over many files as
//! cities would submit them. A few deliberate findings are seeded.

// The generator indexes constant tables with `rng.usize(..len)`: in range by
// construction, and it is a benchmark tool, not part of the checked product.
#![allow(clippy::indexing_slicing)]

use std::fmt::Write;

/// Generated files: (relative path, text).
pub type Files = Vec<(String, String)>;

const CITIES: [(&str, usize); 11] = [
    ("南昌", 9),
    ("九江", 13),
    ("景德镇", 4),
    ("萍乡", 5),
    ("新余", 2),
    ("鹰潭", 3),
    ("赣州", 18),
    ("吉安", 13),
    ("宜春", 10),
    ("抚州", 11),
    ("上饶", 12),
];

const CHANNELS: [(&str, &str); 9] = [
    ("自有营业厅", "owned"),
    ("指定专营店", "social"),
    ("特约代理点", "social"),
    ("合作厅", "social"),
    ("网上营业厅", "electronic"),
    ("掌上营业厅", "electronic"),
    ("短信营业厅", "electronic"),
    ("热线10086", "electronic"),
    ("集团客户经理", "direct"),
];

fn county(city: &str, i: usize) -> String {
    format!("{city}{}县", i + 1)
}

/// Generate a workspace with `campaigns` campaigns.
pub fn generate(seed: u64, campaigns: usize) -> Files {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut files = Vec::new();

    let mut regions = String::from("regions 江西 {\n");
    for (city, counties) in CITIES {
        let names: Vec<String> = (0..counties).map(|i| county(city, i)).collect();
        let _ = writeln!(regions, "  {city} {{ {} }}", names.join(", "));
    }
    regions.push_str("}\n");
    files.push(("province/regions.kj".to_string(), regions));

    let mut base = String::new();
    for (name, kind) in CHANNELS {
        let grading = if kind == "social" {
            "; grading: 星级评定"
        } else {
            ""
        };
        let _ = writeln!(base, "channel {name} {{ type: {kind}{grading} }}");
    }
    base.push_str(
        "dimension 品牌 { values: [全球通, 神州行, 动感地带] }\ndimension 月消费 { unit: 元 }\n",
    );
    for p in 0..200 {
        let _ = writeln!(
            base,
            "product 产品{p} \"产品 {p}\" {{ kind: data; price: {} 元/月 }}",
            10 + p % 90
        );
    }
    for (i, face) in [30, 50, 100, 200].iter().enumerate() {
        let _ = writeln!(
            base,
            "product 套卡{i} {{ kind: sim_card; face_value: {face} 元 }}"
        );
    }
    base.push_str("support 系统配置 { kind: system; ready: 2025-12-01 }\nsupport 知识库 { kind: knowledge; ready: 2025-12-01; requires: [系统配置] }\n");
    files.push(("province/base.kj".to_string(), base));

    let mut glossary = String::new();
    for t in 0..100 {
        let _ = writeln!(
            glossary,
            "term 术语{t} {{ plain: \"第 {t} 个术语的通俗解释。\"; faq {{ \"什么是术语{t}?\": \"这是第 {t} 个术语。\" }} }}"
        );
    }
    files.push(("province/glossary.kj".to_string(), glossary));

    let mut grading = String::from("grading 星级评定 {\n  factor 外部环境 40% { factor 商圈等级 50%\n factor 人流量 30%\n factor 竞争强度 20% }\n  factor 内部运营 60% { factor 业务量 40%\n factor 服务质量 35%\n factor 投诉率 25% }\n  grades { 五星: 90 ..= 100; 四星: 80 .. 90; 三星: 65 .. 80; 二星: 50 .. 65; 一星: 0 .. 50 }\n}\n");
    // Hundreds of commission rows: one per (card, grade) and tenure tiers.
    grading.push_str("commission 首返 { kind: first_return; period: 2026-01-01 .. 2026-12-31; channels: [指定专营店, 特约代理点, 合作厅]\n  rates {\n");
    for card in 0..4 {
        for (g, grade) in ["五星", "四星", "三星", "二星", "一星"].iter().enumerate() {
            let _ = writeln!(
                grading,
                "    product 套卡{card}, grade [{grade}] => {} 元",
                10 + card * 5 + (4 - g)
            );
        }
    }
    grading.push_str("  }\n}\ncommission 分成 { kind: revenue_share; period: 2026-01-01 .. 2026-12-31; channels: [指定专营店]\n  rates {\n");
    for tier in 0..60 {
        for (g, grade) in ["五星", "四星", "三星", "二星", "一星"].iter().enumerate() {
            let lo = tier * 2 + 1;
            let range = if tier == 59 {
                format!("{lo} 个月 ..")
            } else {
                format!("{lo} 个月 ..= {} 个月", lo + 1)
            };
            let _ = writeln!(
                grading,
                "    tenure {range}, grade [{grade}] => {}%",
                3 + tier / 10 + (4 - g)
            );
        }
    }
    grading.push_str("  }\n}\nmix 结构 { first_return: 30%; revenue_share: 70% }\n");
    files.push(("province/commission.kj".to_string(), grading));

    // Density: keep most lanes under the limit, a few findings.
    let leaves: usize = CITIES.iter().map(|c| c.1).sum();
    // Mean leaves per campaign ≈ 3.5 (1% province, 9% city, 90% 1–2
    // counties), mean channels ≈ 1.9, mean length 35 days.
    let density = (campaigns as f64 * 3.5 * 1.9 * 35.0) / (leaves as f64 * 9.0 * 365.0);
    let limit = (density * 3.0).ceil().max(3.0) as usize;
    files.push((
        "province/limits.kj".to_string(),
        format!("limits {{ max_concurrent: {limit}; support_lead: 3 天 }}\n"),
    ));

    let per_file = 200;
    let mut text = String::new();
    let mut file_no = 0;
    for c in 0..campaigns {
        let (city, counties) = CITIES[rng.usize(..CITIES.len())];
        let scope = rng.u32(..100);
        let (issuer, regions) = if scope < 1 {
            ("江西".to_string(), String::new())
        } else if scope < 10 {
            (city.to_string(), String::new())
        } else {
            let first = rng.usize(..counties);
            let second = rng.usize(..counties);
            let mut list = vec![county(city, first)];
            if second != first {
                list.push(county(city, second));
            }
            (
                city.to_string(),
                format!("regions: [{}]; ", list.join(", ")),
            )
        };
        let day = rng.u32(0..330);
        let start = chrono_like(day);
        let end = chrono_like(day + 7 * rng.u32(1..=8) - 1);
        let mut channels: Vec<&str> = Vec::new();
        for _ in 0..rng.usize(1..=3) {
            let ch = CHANNELS[rng.usize(..CHANNELS.len())].0;
            if !channels.contains(&ch) {
                channels.push(ch);
            }
        }
        let stacking = if rng.u32(..100) < 97 {
            "stackable"
        } else {
            "exclusive"
        };
        let brand = ["全球通", "神州行", "动感地带"][rng.usize(..3)];
        let discount = 5 * rng.u32(1..=10);
        // Province campaigns offer products 0–19, cities 20–199: a city
        // campaign refining a province one would say `extends`.
        let offer = if issuer == "江西" {
            rng.usize(..20)
        } else {
            rng.usize(20..200)
        };
        let _ = writeln!(
            text,
            "campaign 活动{c} \"活动{c}流量包优惠\" {{\n  issuer: {issuer}; {regions}window: {start} .. {end}\n  audience {{ 品牌: [{brand}] }}\n  offer: 产品{}\n  benefit: discount {discount}%\n  channels: [{}]\n  stacking: {stacking}\n  requires: [系统配置, 知识库]\n  wording {{ headline: \"活动期间办理享优惠,术语{}说明见FAQ\" }}\n  faq {{ \"活动{c}怎么参加?\": \"到营业厅或手机应用办理。\" }}\n}}",
            offer,
            channels.join(", "),
            rng.usize(..100),
        );
        if (c + 1) % per_file == 0 || c + 1 == campaigns {
            files.push((
                format!("cities/submission{file_no:04}.kj"),
                std::mem::take(&mut text),
            ));
            file_no += 1;
        }
    }
    files
}

/// Day `n` of 2026 as `YYYY-MM-DD` (n may run into 2027).
fn chrono_like(n: u32) -> String {
    const DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut rest = n;
    let mut year = 2026;
    loop {
        for (m, len) in DAYS.iter().enumerate() {
            if rest < *len {
                return format!("{year}-{:02}-{:02}", m + 1, rest + 1);
            }
            rest -= len;
        }
        year += 1;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_roll_over() {
        assert_eq!(super::chrono_like(0), "2026-01-01");
        assert_eq!(super::chrono_like(364), "2026-12-31");
        assert_eq!(super::chrono_like(365), "2027-01-01");
    }

    #[test]
    fn deterministic_and_parses() {
        let a = super::generate(7, 300);
        let b = super::generate(7, 300);
        assert_eq!(a, b);
        for (path, text) in &a {
            let parsed = koujing_grammar::parse_file(text);
            assert!(
                parsed.issues.is_empty(),
                "{path}: {:?}",
                parsed.issues.first()
            );
        }
    }
}
