//! Writing and reading bundle folders, key files and single output files
//! without losing data (docs/ROBUSTNESS.md, "No data loss"):
//!
//! - `build --out` replaces only an empty folder or one that verifies as a
//!   Koujing bundle, so it never deletes a file it did not write; builds
//!   into one folder serialise on a lock of the folder that holds it; the
//!   new bundle is written and fsynced beside it and swapped in with one
//!   atomic exchange (Linux `renameat2(RENAME_EXCHANGE)`, else two renames
//!   with the old bundle put back on failure);
//! - a single file (`fmt`, `report --out`) keeps its mode, owner and hard
//!   links, and is written through a symbolic link to its target;
//! - a key file appears complete or not at all;
//! - temporaries are removed on every error path;
//! - reading a bundle never follows a link or opens a FIFO or device.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use koujing_checker::compile::Bundle;
use koujing_checker::{LocalText, Msg};

use crate::commands::{lang, say};

/// Largest bundle file read (`verify`, `diff`, `--bundle`).
const MAX_BUNDLE_FILE: u64 = 256 * 1024 * 1024;

fn failed(path: &Path, e: impl std::fmt::Display) -> String {
    format!("{}: {e}", koujing_fs::display(path))
}

/// The folder that holds `path` (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// A fresh name beside `path`: `.NAME.TAG-PID-N`.
fn sibling(path: &Path, tag: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    parent_of(path).join(format!(".{name}.{tag}-{}-{n}", std::process::id()))
}

/// A temporary file or folder, removed when dropped unless kept.
struct Temp {
    path: PathBuf,
    keep: bool,
}

impl Temp {
    fn new(path: PathBuf) -> Temp {
        Temp { path, keep: false }
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.keep {
            match std::fs::symlink_metadata(&self.path) {
                Ok(m) if m.is_dir() => {
                    let _ = std::fs::remove_dir_all(&self.path);
                }
                Ok(_) => {
                    let _ = std::fs::remove_file(&self.path);
                }
                Err(_) => {}
            }
        }
    }
}

/// Flush a folder's entries to disk (a no-op where folders cannot be
/// opened).
fn sync_dir(dir: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(|e| failed(dir, e))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Create `path` (it must not exist), write `bytes`, fsync.
fn write_new(path: &Path, bytes: &[u8], mode: Option<u32>) -> Result<File, String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| failed(path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| failed(path, e))?;
    Ok(file)
}

/// An exclusive lock on a folder, held until dropped: concurrent builds into
/// the same `--out` run one after the other.
struct Lock {
    _file: File,
}

fn lock(dir: &Path) -> Result<Lock, String> {
    let file = File::open(dir).map_err(|e| failed(dir, e))?;
    #[cfg(unix)]
    rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
        .map_err(|e| failed(dir, say(Msg::CannotLock, &[("error", &e)])))?;
    Ok(Lock { _file: file })
}

/// Swap two paths atomically. `Ok(false)` where the system cannot.
fn exchange(a: &Path, b: &Path) -> Result<bool, String> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use rustix::io::Errno;
        match rustix::fs::renameat_with(
            rustix::fs::CWD,
            a,
            rustix::fs::CWD,
            b,
            rustix::fs::RenameFlags::EXCHANGE,
        ) {
            Ok(()) => Ok(true),
            Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::OPNOTSUPP => Ok(false),
            Err(e) => Err(failed(b, e)),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Whether `dir` exists; an error when it exists and may not be replaced
/// (it is neither empty nor a bundle that verifies).
fn replaceable(dir: &Path) -> Result<bool, String> {
    let refuse = |why: String| {
        say(
            Msg::NotABundleToReplace,
            &[("path", &koujing_fs::display(dir)), ("why", &why)],
        )
    };
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(failed(dir, e)),
    };
    if !meta.is_dir() {
        return Err(refuse(say(Msg::NotAFolder, &[])));
    }
    let empty = std::fs::read_dir(dir)
        .map_err(|e| failed(dir, e))?
        .next()
        .is_none();
    if empty {
        return Ok(true);
    }
    let files = read(dir).map_err(refuse)?;
    match verify(&files, None).first() {
        None => Ok(true),
        Some(problem) => Err(refuse(problem.get(lang()).to_string())),
    }
}

/// Write a bundle into `dir`: the files are written and fsynced in a
/// temporary folder beside it, then swapped in atomically. An existing `dir`
/// is replaced only when it is empty or holds a bundle that verifies.
pub fn write(bundle: &Bundle, dir: &Path) -> Result<(), String> {
    let parent = parent_of(dir);
    std::fs::create_dir_all(&parent).map_err(|e| failed(&parent, e))?;
    let _lock = lock(&parent)?;
    let exists = replaceable(dir)?;
    let mut tmp = Temp::new(sibling(dir, "tmp"));
    std::fs::create_dir(&tmp.path).map_err(|e| failed(&tmp.path, e))?;
    for (name, bytes) in &bundle.files {
        let path = tmp.path.join(name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| failed(folder, e))?;
        }
        write_new(&path, bytes, None)?;
    }
    sync_dir(&tmp.path)?;
    if !exists {
        std::fs::rename(&tmp.path, dir).map_err(|e| failed(dir, e))?;
        tmp.keep = true;
    } else if !exchange(&tmp.path, dir)? {
        // No atomic exchange: move the old bundle aside, the new one in, and
        // put the old one back if that fails.
        let old = Temp::new(sibling(dir, "old"));
        std::fs::rename(dir, &old.path).map_err(|e| failed(dir, e))?;
        if let Err(e) = std::fs::rename(&tmp.path, dir) {
            let _ = std::fs::rename(&old.path, dir);
            return Err(failed(dir, e));
        }
        tmp.keep = true;
    }
    // After an exchange `tmp` holds the previous bundle: it is removed when
    // `tmp` is dropped.
    sync_dir(&parent)
}

/// Read every file of a bundle folder. Sub-folders are listed as `NAME/`
/// so that `verify` names them as extra; a symbolic link, FIFO, socket or
/// device is refused without being opened.
pub fn read(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        say(
            Msg::CannotRead,
            &[("path", &koujing_fs::display(dir)), ("error", &e)],
        )
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| failed(dir, e))?;
        names.push(entry.file_name());
    }
    names.sort();
    let mut files = BTreeMap::new();
    for name in names {
        let path = dir.join(&name);
        let shown = koujing_fs::display(Path::new(&name));
        let meta = std::fs::symlink_metadata(&path).map_err(|e| failed(&path, e))?;
        if meta.is_dir() {
            files.insert(format!("{shown}/"), Vec::new());
        } else if meta.file_type().is_symlink() {
            return Err(say(
                Msg::BundleSymlink,
                &[("path", &koujing_fs::display(&path))],
            ));
        } else if !meta.is_file() {
            return Err(say(
                Msg::BundleSpecial,
                &[("path", &koujing_fs::display(&path))],
            ));
        } else {
            let bytes = koujing_fs::read_regular(&path, MAX_BUNDLE_FILE + 1).map_err(|r| {
                say(
                    Msg::NotRead,
                    &[
                        ("path", &koujing_fs::display(&path)),
                        ("why", &r.text().get(lang())),
                    ],
                )
            })?;
            if bytes.len() as u64 > MAX_BUNDLE_FILE {
                return Err(say(
                    Msg::BundleFileTooLarge,
                    &[
                        ("path", &koujing_fs::display(&path)),
                        ("mib", &(MAX_BUNDLE_FILE >> 20)),
                    ],
                ));
            }
            files.insert(shown, bytes);
        }
    }
    Ok(files)
}

/// Verify a bundle's files: `manifest.json` against its JSON Schema, then
/// every hash, missing and extra file and, with a key, the signature.
pub fn verify(files: &BTreeMap<String, Vec<u8>>, public: Option<&[u8; 32]>) -> Vec<LocalText> {
    let mut problems = schema_problems(files);
    problems.extend(koujing_checker::compile::manifest::verify(files, public));
    problems
}

/// `manifest.json` checked against its JSON Schema (format, tool, the
/// shape of every entry).
fn schema_problems(files: &BTreeMap<String, Vec<u8>>) -> Vec<LocalText> {
    if let Some(bytes) = files.get(koujing_checker::compile::manifest::MANIFEST) {
        let schema: serde_json::Value =
            match serde_json::from_str(include_str!("../docs/schema/manifest.schema.json")) {
                Ok(schema) => schema,
                Err(e) => return vec![LocalText::new(e.to_string(), e.to_string())],
            };
        let manifest: serde_json::Value = match serde_json::from_slice(bytes) {
            Ok(value) => value,
            // The checker's verify names a manifest that is not JSON.
            Err(_) => return Vec::new(),
        };
        // A format-1 manifest predates the current schema (format 2): the
        // typed reader accepts it with a note, so the schema is not applied.
        if manifest.get("format") == Some(&serde_json::Value::from(1)) {
            return Vec::new();
        }
        match jsonschema::validator_for(&schema) {
            Ok(validator) => {
                return validator
                    .iter_errors(&manifest)
                    .take(5)
                    .map(|e| Msg::ManifestSchema.text(&[("at", &e.instance_path), ("error", &e)]))
                    .collect();
            }
            Err(e) => return vec![LocalText::new(e.to_string(), e.to_string())],
        }
    }
    Vec::new()
}

/// Write `NAME.key` (mode 0600) and `NAME.pub`; never overwrite. Each file
/// is written to a temporary name, fsynced, then linked into place, so a
/// key file is complete or absent; on failure nothing is left behind.
pub fn keygen(name: &Path) -> Result<(PathBuf, PathBuf), String> {
    use rand_core::RngCore;
    let key_path = PathBuf::from(format!("{}.key", name.display()));
    let pub_path = PathBuf::from(format!("{}.pub", name.display()));
    for path in [&key_path, &pub_path] {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(say(Msg::KeyExists, &[("path", &path.display())]));
        }
    }
    let mut seed = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut seed);
    let (secret, public) = koujing_checker::compile::manifest::key_files(seed);
    publish(&key_path, secret.as_bytes(), 0o600)?;
    if let Err(e) = publish(&pub_path, public.as_bytes(), 0o644) {
        let _ = std::fs::remove_file(&key_path);
        return Err(e);
    }
    sync_dir(&parent_of(&key_path))?;
    Ok((key_path, pub_path))
}

/// Create `path` with `bytes` all at once: never overwrites, never leaves a
/// partial file.
fn publish(path: &Path, bytes: &[u8], mode: u32) -> Result<(), String> {
    let tmp = Temp::new(sibling(path, "tmp"));
    write_new(&tmp.path, bytes, Some(mode))?;
    std::fs::hard_link(&tmp.path, path).map_err(|e| failed(path, e))
}

/// Replace the contents of one file (`fmt`, `report --out`) without losing
/// anything about it:
/// - a symbolic link is written through to its target (the link stays);
/// - an existing file keeps its mode and owner; one with other hard links,
///   or whose owner cannot be given to a new file, is rewritten in place so
///   that no link is split;
/// - otherwise the bytes go to a fsynced temporary beside it that is renamed
///   over it; the temporary is removed on every error.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let target = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            std::fs::canonicalize(path).map_err(|e| failed(path, e))?
        }
        _ => path.to_path_buf(),
    };
    let existing = match std::fs::metadata(&target) {
        Ok(meta) if meta.is_file() => Some(meta),
        Ok(_) => {
            return Err(say(
                Msg::NotRegularNothingWritten,
                &[("path", &koujing_fs::display(path))],
            ))
        }
        Err(_) => None,
    };
    let tmp = Temp::new(sibling(&target, "tmp"));
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let Some(meta) = &existing else {
            return new_file(&target, tmp, bytes);
        };
        if meta.nlink() > 1 {
            return in_place(&target, bytes);
        }
        let file = write_new(&tmp.path, bytes, Some(meta.mode() & 0o7777))?;
        if std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid())).is_err() {
            drop(file);
            drop(tmp);
            return in_place(&target, bytes);
        }
        // The mode again: `open` applied the umask.
        file.set_permissions(std::fs::Permissions::from_mode(meta.mode() & 0o7777))
            .map_err(|e| failed(&tmp.path, e))?;
        file
    };
    #[cfg(not(unix))]
    let file = {
        if existing.is_none() {
            return new_file(&target, tmp, bytes);
        }
        write_new(&tmp.path, bytes, None)?
    };
    drop(file);
    std::fs::rename(&tmp.path, &target).map_err(|e| failed(&target, e))?;
    let mut tmp = tmp;
    tmp.keep = true;
    sync_dir(&parent_of(&target))
}

/// A file that did not exist: temporary, fsync, rename.
fn new_file(target: &Path, mut tmp: Temp, bytes: &[u8]) -> Result<(), String> {
    drop(write_new(&tmp.path, bytes, None)?);
    std::fs::rename(&tmp.path, target).map_err(|e| failed(target, e))?;
    tmp.keep = true;
    sync_dir(&parent_of(target))
}

/// Rewrite a file in place (its inode, links, mode and owner stay).
fn in_place(target: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(target)
        .map_err(|e| failed(target, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| failed(target, e))
}
