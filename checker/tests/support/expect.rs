//! The one reader of `// expect: CODE @ COLUMN` annotations, shared by the
//! checker's UI fixtures (`checker/tests/ui.rs`) and the example workspaces
//! (`tests/examples.rs`, which includes this file by path).
//!
//! An annotation refers to the closest line above it that is not itself an
//! annotation; COLUMN counts characters from 1, as the JSON output does.

/// One expected finding: (line, column, code), lines and columns from 1.
pub type Expectation = (u32, u32, String);

/// Every annotation of `text`, in order; an annotation that cannot be read
/// is an error naming its line.
pub fn expectations(text: &str) -> Result<Vec<Expectation>, String> {
    let mut found = Vec::new();
    let mut target = 0u32;
    for (i, line) in text.lines().enumerate() {
        let number = u32::try_from(i + 1).map_err(|e| e.to_string())?;
        match line.trim().strip_prefix("// expect:") {
            Some(rest) => {
                let (code, column) = rest
                    .split_once('@')
                    .ok_or_else(|| format!("line {number}: expected `// expect: CODE @ COL`"))?;
                let column = column
                    .trim()
                    .parse()
                    .map_err(|e| format!("line {number}: column: {e}"))?;
                found.push((target, column, code.trim().to_string()));
            }
            None => target = number,
        }
    }
    Ok(found)
}
