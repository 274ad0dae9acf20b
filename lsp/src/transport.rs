//! Stdio transport that survives garbage: a malformed header, a body that is
//! not JSON or not a message, or an absurd Content-Length is logged to stderr
//! and skipped; the server keeps serving. (lsp-server's own transport stops
//! at the first malformed message.)

use std::io::{BufRead, Read, Write};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{Connection, Message};

/// Largest message body accepted.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// Longest header line accepted; a longer one is skipped without being
/// held in memory.
const MAX_HEADER_LINE: usize = 8 * 1024;

/// Read one line into `line` (cleared first), holding at most
/// `MAX_HEADER_LINE` bytes of it. `Ok(None)` at end of input,
/// `Ok(Some(false))` for a line that was too long (its rest is consumed).
fn read_header_line(input: &mut impl BufRead, line: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    line.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(if any { Some(!too_long) } else { None });
        }
        any = true;
        let (taken, done) = match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => (at + 1, true),
            None => (buffer.len(), false),
        };
        if !too_long {
            let room = MAX_HEADER_LINE.saturating_sub(line.len());
            if taken > room {
                too_long = true;
                line.clear();
            } else {
                line.extend_from_slice(buffer.get(..taken).unwrap_or_default());
            }
        }
        input.consume(taken);
        if done {
            return Ok(Some(!too_long));
        }
    }
}

pub struct Threads {
    reader: std::thread::JoinHandle<()>,
    writer: std::thread::JoinHandle<()>,
}

impl Threads {
    pub fn join(self) {
        let _ = self.writer.join();
        // The reader may be blocked on stdin; it ends with the process.
        drop(self.reader);
    }
}

/// Read one frame's body; `Ok(None)` at end of input, `Err(text)` for a
/// frame to skip.
pub fn read_frame(input: &mut impl BufRead) -> std::io::Result<Option<Result<String, String>>> {
    let mut length: Option<usize> = None;
    let mut bytes = Vec::new();
    loop {
        match read_header_line(input, &mut bytes)? {
            None => return Ok(None),
            Some(false) => {
                return Ok(Some(Err(format!(
                    "header line over {MAX_HEADER_LINE} bytes skipped"
                ))))
            }
            Some(true) => {}
        }
        let line = String::from_utf8_lossy(&bytes);
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_some() {
                break;
            }
            continue; // stray blank line between frames
        }
        match header.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                length = value.trim().parse().ok();
                if length.is_none() {
                    return Ok(Some(Err(format!("bad Content-Length: {value:?}"))));
                }
            }
            Some(_) => {}
            None => return Ok(Some(Err(format!("malformed header: {header:?}")))),
        }
    }
    let size = length.unwrap_or(0);
    if size > MAX_BODY {
        // Skip the body without holding it in memory.
        std::io::copy(&mut input.take(size as u64), &mut std::io::sink())?;
        return Ok(Some(Err(format!(
            "message of {size} bytes skipped (limit {MAX_BODY})"
        ))));
    }
    let mut body = vec![0; size];
    input.read_exact(&mut body)?;
    Ok(Some(
        String::from_utf8(body).map_err(|e| format!("body is not UTF-8: {e}")),
    ))
}

/// Parse a frame body into a message.
pub fn parse_message(body: &str) -> Result<Message, String> {
    serde_json::from_str(body).map_err(|e| format!("malformed message: {e}"))
}

pub fn stdio() -> (Connection, Threads) {
    let (to_server, from_client): (Sender<Message>, Receiver<Message>) =
        crossbeam_channel::unbounded();
    let (to_client, from_server): (Sender<Message>, Receiver<Message>) =
        crossbeam_channel::unbounded();
    let reader = std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        loop {
            match read_frame(&mut input) {
                Ok(None) | Err(_) => break,
                Ok(Some(Err(why))) => eprintln!("koujing lsp: {why}"),
                Ok(Some(Ok(body))) => match parse_message(&body) {
                    Ok(message) => {
                        let exit =
                            matches!(&message, Message::Notification(n) if n.method == "exit");
                        if to_server.send(message).is_err() || exit {
                            break;
                        }
                    }
                    Err(why) => eprintln!("koujing lsp: {why}"),
                },
            }
        }
    });
    let writer = std::thread::spawn(move || {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        for message in from_server {
            if message.write(&mut out).is_err() {
                break;
            }
            let _ = out.flush();
        }
    });
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        Threads { reader, writer },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_survive_garbage() {
        let input = b"Content-Length: 5\r\n\r\nhello\r\nnot a header\r\nContent-Length: 2\r\n\r\n{}Content-Length: 99999999999\r\n\r\n";
        let mut reader = std::io::Cursor::new(&input[..]);
        let first = read_frame(&mut reader).unwrap().unwrap().unwrap();
        assert_eq!(first, "hello");
        assert!(parse_message(&first).is_err());
        assert!(read_frame(&mut reader).unwrap().unwrap().is_err());
        let body = read_frame(&mut reader).unwrap().unwrap().unwrap();
        assert!(parse_message(&body).is_err());
        assert!(read_frame(&mut reader).unwrap().unwrap().is_err());
        assert!(read_frame(&mut reader).unwrap().is_none());
    }

    #[test]
    fn a_huge_header_line_is_skipped_not_buffered() {
        let mut input = vec![b'X'; 3 * 1024 * 1024];
        input.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\n{}");
        let mut reader = std::io::BufReader::with_capacity(4096, std::io::Cursor::new(input));
        let mut line = Vec::new();
        assert_eq!(
            read_header_line(&mut reader, &mut line).unwrap(),
            Some(false)
        );
        assert!(line.len() <= MAX_HEADER_LINE);
        assert_eq!(read_frame(&mut reader).unwrap().unwrap().unwrap(), "{}");
    }
}
