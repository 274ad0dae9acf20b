#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
//! Money near the decimal type's limit (about 7.9e28) in the bundle
//! compiler, the evaluator and the HTML report: checked arithmetic, never a
//! panic. (The end-to-end `check` of the same input is in
//! tests/robustness.rs.)

use koujing_checker::compile::{build_unchecked, BuildOptions};
use koujing_checker::query::{OfferQuery, Runtime};
use koujing_checker::{report, Lang, Report, Workspace};

const HUGE: &str = "regions 江西 { 南昌 { 东湖区 } }
channel 营业厅 { type: owned; handles: [data] }
product 流量包 { kind: data; price: 10000000000000000000000000000 元/月 }
campaign 大促 {
  issuer: 江西
  window: 2026-12-01 .. 2026-12-31
  offer: 流量包
  benefit: discount 50%
  channels: [营业厅]
}
";

#[test]
fn build_query_and_report_survive_a_price_of_1e28() {
    let workspace = Workspace::new([("a.kj".to_string(), HUGE.as_bytes().to_vec())]);
    let bundle = build_unchecked(&workspace, &BuildOptions::default());
    let runtime = Runtime::from_files(&bundle.files).unwrap();
    let offers = runtime
        .offers(&OfferQuery {
            date: chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            region: "东湖区".into(),
            channel: "营业厅".into(),
            set: Vec::new(),
        })
        .unwrap();
    assert_eq!(offers.len(), 1);
    // Half of 10^28, exactly.
    assert_eq!(
        offers[0]
            .final_price
            .as_deref()
            .map(|p| p.split(' ').next().unwrap_or_default()),
        Some("5000000000000000000000000000")
    );
    let html = report::html(&workspace, &Report::default(), Lang::En);
    assert!(html.contains("大促"));
}
