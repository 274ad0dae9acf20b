//! The Koujing language server: `lsp-server` on stdio, one synchronous loop.
//!
//! - Full document sync; diagnostics for the whole workspace (the folders the
//!   client opens plus unsaved documents), cross-file, with the document
//!   version; keystrokes are coalesced (re-check when the queue is empty).
//! - Only the edited file is re-parsed; the others keep their trees.
//! - Positions are UTF-16 unless the client offers UTF-8 or UTF-32.
//! - Every request gets exactly one response; each handler runs under
//!   `catch_unwind`, and a panic becomes an error response and a message,
//!   never a dead server. Malformed frames and JSON are logged and skipped.
//! - Nothing but protocol goes to stdout; logs go to stderr.

mod completion;
mod handlers;
mod hover;
mod looks;
mod server;
mod to_proto;
mod transport;
mod views;

pub use server::{run, run_with_lang, serve, Server};

/// Run the server on standard input and output until `exit`, on a thread
/// with a large stack. `lang` (from `koujing lsp --lang`) overrides
/// koujing.toml, the editor's locale and `LANG`, in that order. `Ok(true)`
/// when `shutdown` came before `exit` (exit code 0), `Ok(false)` otherwise
/// (exit code 1).
pub fn run_stdio(lang: Option<koujing_checker::Lang>) -> Result<bool, String> {
    let (connection, threads) = transport::stdio();
    let worker = std::thread::Builder::new()
        .name("koujing-lsp".into())
        .stack_size(16 * 1024 * 1024)
        .spawn(move || serve(connection, lang))
        .map_err(|e| e.to_string())?;
    let result = worker
        .join()
        .map_err(|_| "the server thread panicked".to_string())?;
    threads.join();
    result
}
