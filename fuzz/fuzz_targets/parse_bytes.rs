//! The parser and lowering on arbitrary bytes (invalid UTF-8 included).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let file = koujing_checker::SourceFile::new("fuzz.kj", data);
    let _ = file.own_diagnostics(0);
});
