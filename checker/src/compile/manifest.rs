//! `manifest.json`, its Ed25519 signature, and verification.

use std::collections::BTreeMap;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use koujing_bundle::manifest::{Manifest, OutputFile, SourceFile, Tool};
use koujing_bundle::{ReadError, FORMAT};
pub use koujing_bundle::{MANIFEST, SIGNATURE};
use sha2::{Digest, Sha256};

use super::BuildOptions;
use crate::diagnostic::LocalText;
use crate::messages::BundleMsg as B;
use crate::workspace::Workspace;

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The manifest of the bundle files `outputs` (manifest excluded).
pub fn manifest(
    workspace: &Workspace,
    options: &BuildOptions,
    outputs: &BTreeMap<String, Vec<u8>>,
) -> Vec<u8> {
    let mut sources: Vec<SourceFile> = workspace
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| SourceFile {
            path: options
                .source_paths
                .get(i)
                .cloned()
                .unwrap_or_else(|| f.path.clone()),
            sha256: sha256_hex(f.text.as_bytes()),
        })
        .collect();
    sources.sort();
    let listing: String = sources
        .iter()
        .map(|s| format!("{}\0{}\n", s.path, s.sha256))
        .collect();
    let manifest = Manifest {
        format: FORMAT,
        tool: Tool {
            name: "koujing".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        revision: sha256_hex(listing.as_bytes()),
        sources,
        outputs: outputs
            .iter()
            .map(|(path, bytes)| OutputFile {
                path: path.clone(),
                sha256: sha256_hex(bytes),
                bytes: bytes.len() as u64,
            })
            .collect(),
        created: options.source_date_epoch.and_then(|epoch| {
            chrono::DateTime::from_timestamp(epoch, 0)
                .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        }),
    };
    koujing_bundle::to_json(&manifest)
}

/// Sign the exact bytes of the manifest.
pub fn sign(secret: &[u8; 32], manifest: &[u8]) -> Vec<u8> {
    let key = SigningKey::from_bytes(secret);
    let mut text = hex(&key.sign(manifest).to_bytes());
    text.push('\n');
    text.into_bytes()
}

/// A key pair from 32 random bytes: (`NAME.key` text, `NAME.pub` text).
pub fn key_files(seed: [u8; 32]) -> (String, String) {
    let key = SigningKey::from_bytes(&seed);
    (
        format!("{}\n", hex(&key.to_bytes())),
        format!("{}\n", hex(key.verifying_key().as_bytes())),
    )
}

/// Read a `NAME.key` file's text.
pub fn read_secret(text: &str) -> Option<[u8; 32]> {
    hex_decode(text)?.try_into().ok()
}

/// Read a `NAME.pub` file's text.
pub fn read_public(text: &str) -> Option<[u8; 32]> {
    hex_decode(text)?.try_into().ok()
}

/// Check a bundle folder's files; every problem, named. Empty when valid.
pub fn verify(files: &BTreeMap<String, Vec<u8>>, public_key: Option<&[u8; 32]>) -> Vec<LocalText> {
    let mut problems = Vec::new();
    let Some(manifest_bytes) = files.get(MANIFEST) else {
        return vec![B::ManifestMissing.text(&[])];
    };
    let manifest: Manifest = match koujing_bundle::decode(MANIFEST, manifest_bytes) {
        Ok(m) => m,
        Err(ReadError::Newer { found, .. }) => {
            return vec![B::ManifestNewer.text(&[("found", &found), ("format", &FORMAT)])]
        }
        Err(e) => {
            let e = match e {
                ReadError::Invalid { message, .. } => message,
                other => other.to_string(),
            };
            return vec![B::ManifestUnreadable.text(&[("error", &e)])];
        }
    };
    let mut listed: Vec<&str> = Vec::new();
    for output in &manifest.outputs {
        let path = output.path.as_str();
        listed.push(path);
        match files.get(path) {
            None => problems.push(B::FileMissing.text(&[("path", &path)])),
            Some(bytes) => {
                if sha256_hex(bytes) != output.sha256 {
                    problems.push(B::HashMismatch.text(&[("path", &path)]));
                } else if output.bytes != bytes.len() as u64 {
                    problems.push(B::SizeMismatch.text(&[("path", &path)]));
                }
            }
        }
    }
    for path in files.keys() {
        if path != MANIFEST && path != SIGNATURE && !listed.contains(&path.as_str()) {
            problems.push(B::ExtraFile.text(&[("path", path)]));
        }
    }
    if let Some(public) = public_key {
        match files.get(SIGNATURE) {
            None => problems.push(B::SignatureMissing.text(&[])),
            Some(sig) => {
                let parsed = std::str::from_utf8(sig)
                    .ok()
                    .and_then(hex_decode)
                    .and_then(|b| <[u8; 64]>::try_from(b).ok());
                let valid = match (VerifyingKey::from_bytes(public), parsed) {
                    (Ok(key), Some(bytes)) => key
                        .verify(manifest_bytes, &Signature::from_bytes(&bytes))
                        .is_ok(),
                    _ => false,
                };
                if !valid {
                    problems.push(B::SignatureInvalid.text(&[]));
                }
            }
        }
    }
    problems
}

/// The note for a bundle older than the current format (its manifest says
/// so), to print beside the answer of `verify`, `query` or `test`.
pub fn older_format_note(files: &BTreeMap<String, Vec<u8>>) -> Option<LocalText> {
    let manifest: Manifest = koujing_bundle::read(files, MANIFEST).ok()?;
    (manifest.format < FORMAT).then(|| older_note(manifest.format))
}

/// The note for a bundle of format `found`, older than the current one.
pub fn older_note(found: u32) -> LocalText {
    B::OlderFormat.text(&[("found", &found), ("format", &FORMAT)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_verify_round_trip() {
        let (secret, public) = key_files([7; 32]);
        let secret = read_secret(&secret).unwrap();
        let public = read_public(&public).unwrap();
        let manifest = koujing_bundle::to_json(&Manifest::default());
        let mut files = BTreeMap::new();
        files.insert(SIGNATURE.to_string(), sign(&secret, &manifest));
        files.insert(MANIFEST.to_string(), manifest);
        assert!(verify(&files, Some(&public)).is_empty());
        let (_, other) = key_files([8; 32]);
        assert_eq!(verify(&files, Some(&read_public(&other).unwrap())).len(), 1);
    }
}
