//! The formatter: never panics; when the input parses, the output is
//! accepted by its own meaning check and formatting it again changes nothing.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    match koujing_grammar::format::format(text) {
        Ok(once) => {
            let twice = koujing_grammar::format::format(&once);
            assert_eq!(twice.as_deref(), Ok(once.as_str()), "fmt is not idempotent");
        }
        Err(koujing_grammar::format::FormatError::Syntax) => {}
        Err(koujing_grammar::format::FormatError::Unstable(why)) => {
            panic!("fmt output changed meaning: {why}")
        }
    }
});
