//! Parse, resolve, every analysis, the renderers and the bundle compiler on
//! arbitrary UTF-8, split into up to three files at NUL characters.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let sources: Vec<(String, Vec<u8>)> = text
        .split('\0')
        .take(3)
        .enumerate()
        .map(|(i, part)| (format!("f{i}.kj"), part.as_bytes().to_vec()))
        .collect();
    let workspace = koujing_checker::Workspace::new(sources);
    let report = koujing_checker::check(&workspace, &koujing_checker::Options::default());
    let _ = koujing_checker::render::json(&workspace, &report, koujing_checker::Lang::En);
    let _ = koujing_checker::ci::sarif(&workspace, &report, koujing_checker::Lang::Zh);
    let _ = koujing_checker::report::html(&workspace, &report, koujing_checker::Lang::Zh);
    if report.count(koujing_checker::Severity::Error) == 0 {
        let bundle = koujing_checker::compile::build(&workspace, &report, &Default::default());
        if let Ok(runtime) = koujing_checker::query::Runtime::from_files(&bundle.files) {
            let _ = runtime.offers(&koujing_checker::query::OfferQuery::default());
        }
    }
});
