//! Where the LSP's re-check time goes at 2,000 campaigns:
//! `cargo run -p koujing-bench --release --example phases2k`.
use std::time::Instant;

fn main() {
    let files = koujing_bench::generate(1, 2_000);
    let (path, text) = files
        .iter()
        .find(|(p, _)| p.contains("submission0003"))
        .cloned()
        .unwrap_or_default();
    let mut ws =
        koujing_checker::Workspace::new(files.into_iter().map(|(p, t)| (p, t.into_bytes())));
    for _ in 0..3 {
        let t = Instant::now();
        ws.set_file(&path, text.as_bytes());
        let parse = t.elapsed();
        let t = Instant::now();
        let (index, _) = koujing_checker::resolve::build_index(&ws);
        let index_time = t.elapsed();
        let t = Instant::now();
        let _ = koujing_checker::resolve::check_references(&ws, &index);
        let refs = t.elapsed();
        let limits = koujing_checker::limits::LimitsTable::build(&index);
        let facts = koujing_checker::model::campaign_facts(&index);
        let t = Instant::now();
        let _ = koujing_checker::checks::campaigns::analyse(&index, &facts, &limits);
        let campaigns = t.elapsed();
        let t = Instant::now();
        let _ = koujing_checker::checks::commission::analyse(&index, &limits);
        let commission = t.elapsed();
        let t = Instant::now();
        let _ = koujing_checker::checks::wording::analyse(&ws, &index);
        let wording = t.elapsed();
        let t = Instant::now();
        let _ = koujing_checker::checks::support::analyse(&index, &limits);
        let support = t.elapsed();
        let t = Instant::now();
        let _ = koujing_checker::checks::jargon::analyse(&ws, &index);
        let jargon = t.elapsed();
        let t = Instant::now();
        let report = koujing_checker::check(&ws, &koujing_checker::Options::default());
        let total = t.elapsed();
        println!("parse {parse:?} index {index_time:?} refs {refs:?} campaigns {campaigns:?} commission {commission:?} wording {wording:?} support {support:?} jargon {jargon:?} | check {total:?} ({} findings)", report.diagnostics.len());
    }
}
