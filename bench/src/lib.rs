//! A synthetic province workspace generator, deterministic from a seed.
//!
//! A realistic province: 11 cities, ~100 counties, every channel type,
//! 200 products, a 100-term glossary, N campaigns of 1–8 weeks over a year
//! (most county-level, some city-level, a few province-wide), commission
//! tables with hundreds of rows, a grading model; split over many files as
//! cities would submit them. A few deliberate findings are seeded.
//!
//! [`Shape`] varies it: the number of cities and counties, the campaigns per
//! file, a dense province (every campaign on 1–3 counties of one city, about
//! 8 active per county, channel and day against a limit of 6), and an FAQ
//! question every campaign asks.

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

/// How the campaigns are spread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spread {
    /// 1% province-wide, 9% city-wide, 90% one or two counties; 1–3
    /// channels; the limit is three times the mean load, so a few lanes
    /// go over it.
    Realistic,
    /// Every campaign on 1–3 counties of one city and 1–3 channels, 1–8
    /// weeks inside one year; the limit is given (6 by default), about 8
    /// campaigns are active per county, channel and day at 20,000 over 99
    /// counties.
    Dense,
}

/// The shape of a generated workspace.
#[derive(Clone, Debug)]
pub struct Shape {
    pub campaigns: usize,
    /// `None`: Jiangxi's 11 cities and 100 counties; `Some((cities, n))`:
    /// that many cities of `n` counties each.
    pub cities: Option<(usize, usize)>,
    pub per_file: usize,
    pub spread: Spread,
    /// `max_concurrent`; `None` computes it from the mean load (realistic).
    pub limit: Option<u32>,
    /// Every campaign also answers `优惠怎么办理?` (the answer depends on
    /// its offer).
    pub shared_faq: bool,
}

impl Shape {
    /// The realistic province with `campaigns` campaigns in files of 200.
    pub fn realistic(campaigns: usize) -> Shape {
        Shape {
            campaigns,
            cities: None,
            per_file: 200,
            spread: Spread::Realistic,
            limit: None,
            shared_faq: false,
        }
    }

    /// The dense province: 11 cities × 9 counties, limit 6.
    pub fn dense(campaigns: usize) -> Shape {
        Shape {
            cities: Some((11, 9)),
            spread: Spread::Dense,
            limit: Some(6),
            ..Shape::realistic(campaigns)
        }
    }

    /// Many counties: 550 cities × 9 counties, files of 25 campaigns, every
    /// campaign asking `优惠怎么办理?`.
    pub fn many_counties(campaigns: usize) -> Shape {
        Shape {
            cities: Some((550, 9)),
            per_file: 25,
            shared_faq: true,
            ..Shape::realistic(campaigns)
        }
    }
}

/// Generate the realistic workspace with `campaigns` campaigns.
pub fn generate(seed: u64, campaigns: usize) -> Files {
    generate_shape(seed, &Shape::realistic(campaigns))
}

/// Generate a workspace of the given shape.
pub fn generate_shape(seed: u64, shape: &Shape) -> Files {
    let campaigns = shape.campaigns;
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut files = Vec::new();

    let cities: Vec<(String, Vec<String>)> = match shape.cities {
        None => CITIES
            .iter()
            .map(|&(city, n)| (city.to_string(), (0..n).map(|i| county(city, i)).collect()))
            .collect(),
        Some((n, per_city)) => (0..n)
            .map(|c| {
                let city = format!("地市{c}");
                let counties = (0..per_city.max(1))
                    .map(|i| format!("{city}第{}县", i + 1))
                    .collect();
                (city, counties)
            })
            .collect(),
    };
    files.extend(province(&cities));

    // Density: keep most lanes under the limit, a few findings.
    let leaves: usize = cities.iter().map(|c| c.1.len()).sum();
    let per_city = leaves as f64 / cities.len().max(1) as f64;
    // Mean leaves per campaign (1% province, 9% city, 90% 1–2 counties),
    // mean channels ≈ 1.9, mean length 35 days.
    let mean_leaves = 0.01 * leaves as f64 + 0.09 * per_city + 0.9 * 1.5;
    let density = (campaigns as f64 * mean_leaves * 1.9 * 35.0) / (leaves as f64 * 9.0 * 365.0);
    let limit = shape
        .limit
        .unwrap_or_else(|| (density * 3.0).ceil().max(3.0) as u32);
    files.push((
        "province/limits.kj".to_string(),
        format!("limits {{ max_concurrent: {limit}; support_lead: 3 天 }}\n"),
    ));

    let per_file = shape.per_file.max(1);
    let mut text = String::new();
    let mut file_no = 0;
    for c in 0..campaigns {
        campaign(&mut rng, shape, &cities, c, &mut text);
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

/// The province's files: regions, channels and products, the glossary, the
/// grading model and commission tables.
fn province(cities: &[(String, Vec<String>)]) -> Files {
    let mut files = Vec::new();
    let mut regions = String::from("regions 江西 {\n");
    for (city, names) in cities {
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
    files
}

/// One campaign of the shape, appended to `text`.
fn campaign(
    rng: &mut fastrand::Rng,
    shape: &Shape,
    cities: &[(String, Vec<String>)],
    c: usize,
    text: &mut String,
) {
    let (city, counties) = &cities[rng.usize(..cities.len())];
    let (issuer, regions, start, end, channels) = match shape.spread {
        Spread::Realistic => {
            let scope = rng.u32(..100);
            let (issuer, regions) = if scope < 1 {
                ("江西".to_string(), String::new())
            } else if scope < 10 {
                (city.clone(), String::new())
            } else {
                let first = rng.usize(..counties.len());
                let second = rng.usize(..counties.len());
                let mut list = vec![counties[first].as_str()];
                if second != first {
                    list.push(&counties[second]);
                }
                (city.clone(), format!("regions: [{}]; ", list.join(", ")))
            };
            let day = rng.u32(0..330);
            let end = day + 7 * rng.u32(1..=8) - 1;
            let mut channels: Vec<&str> = Vec::new();
            for _ in 0..rng.usize(1..=3) {
                let ch = CHANNELS[rng.usize(..CHANNELS.len())].0;
                if !channels.contains(&ch) {
                    channels.push(ch);
                }
            }
            (issuer, regions, day, end, channels)
        }
        Spread::Dense => {
            let mut pool: Vec<&str> = counties.iter().map(String::as_str).collect();
            rng.shuffle(&mut pool);
            pool.truncate(rng.usize(1..=3));
            let mut channels: Vec<&str> = CHANNELS.iter().map(|c| c.0).collect();
            rng.shuffle(&mut channels);
            channels.truncate(rng.usize(1..=3));
            let days = 7 * rng.u32(1..=8);
            let day = rng.u32(0..=365 - days);
            (
                city.clone(),
                format!("regions: [{}]; ", pool.join(", ")),
                day,
                day + days - 1,
                channels,
            )
        }
    };
    let (start, end) = (chrono_like(start), chrono_like(end));
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
    let shared = if shape.shared_faq {
        format!("; \"优惠怎么办理?\": \"产品{offer}的优惠到营业厅或手机应用办理。\"")
    } else {
        String::new()
    };
    let _ = writeln!(
        text,
        "campaign 活动{c} \"活动{c}流量包优惠\" {{\n  issuer: {issuer}; {regions}window: {start} .. {end}\n  audience {{ 品牌: [{brand}] }}\n  offer: 产品{}\n  benefit: discount {discount}%\n  channels: [{}]\n  stacking: {stacking}\n  requires: [系统配置, 知识库]\n  wording {{ headline: \"活动期间办理享优惠,术语{}说明见FAQ\" }}\n  faq {{ \"活动{c}怎么参加?\": \"到营业厅或手机应用办理。\"{shared} }}\n}}",
        offer,
        channels.join(", "),
        rng.usize(..100),
    );
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
    fn every_shape_parses_clean_and_the_fast_path_agrees_with_pest() {
        use super::{generate_shape, Shape};
        let shapes = [
            Shape::realistic(500),
            Shape::dense(500),
            Shape::many_counties(500),
        ];
        for shape in &shapes {
            let files = generate_shape(3, shape);
            assert_eq!(
                files,
                generate_shape(3, shape),
                "{shape:?} not deterministic"
            );
            let campaigns: usize = files.iter().map(|f| f.1.matches("campaign ").count()).sum();
            assert_eq!(campaigns, 500, "{shape:?}");
            for (path, text) in &files {
                let fast = koujing_grammar::parse::parse(text);
                let pest = koujing_grammar::parse::parse_with_pest(text);
                assert!(fast.issues.is_empty(), "{path}: {:?}", fast.issues.first());
                assert_eq!(
                    format!("{:?}", fast.file.items),
                    format!("{:?}", pest.file.items),
                    "{path}"
                );
                let (read, all) = koujing_grammar::parse::fast_path_coverage(text);
                assert_eq!(read, all, "{path}");
            }
        }
        let many = generate_shape(3, &Shape::many_counties(500));
        assert_eq!(many.len(), 4 + 1 + 500 / 25, "many files");
        assert!(many.iter().any(|f| f.1.contains("地市549第9县")));
        assert!(many.iter().filter(|f| f.0.starts_with("cities/")).all(|f| f
            .1
            .matches("优惠怎么办理?")
            .count()
            == f.1.matches("campaign ").count()));
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
