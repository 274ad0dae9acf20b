//! The Koujing language server (placeholder until the LSP lands).

/// Run the server on stdio.
pub fn run_stdio() -> Result<(), String> {
    Err("not yet".into())
}
