//! Writing and reading bundle folders: atomic replacement, key files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use koujing_checker::compile::Bundle;

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.{tag}-{}", std::process::id()))
}

/// Is `dir` a folder we may replace: empty, or a previous bundle?
fn replaceable(dir: &Path) -> Result<bool, String> {
    let mut entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir.join("manifest.json").is_file() || entries.next().is_none())
}

/// Write a bundle into `dir` through a temporary folder beside it, renamed
/// into place: never a half-written bundle. An existing `dir` is replaced
/// only when it is empty or holds a previous bundle.
pub fn write(bundle: &Bundle, dir: &Path) -> Result<(), String> {
    if dir.exists() && !(dir.is_dir() && replaceable(dir)?) {
        return Err(format!(
            "{} 已存在且不是 Koujing 产物目录,拒绝覆盖 / exists and is not a Koujing bundle; refusing to replace it",
            dir.display()
        ));
    }
    let tmp = sibling(dir, "tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| -> Result<(), String> {
        std::fs::create_dir_all(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        for (name, bytes) in &bundle.files {
            let path = tmp.join(name);
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        if dir.exists() {
            let old = sibling(dir, "old");
            std::fs::rename(dir, &old).map_err(|e| format!("{}: {e}", dir.display()))?;
            if let Err(e) = std::fs::rename(&tmp, dir) {
                // Put the previous bundle back.
                let _ = std::fs::rename(&old, dir);
                return Err(format!("{}: {e}", dir.display()));
            }
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&tmp, dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// Read every file of a bundle folder; sub-folders are reported as files so
/// that `verify` names them as extra.
pub fn read(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("无法读取 / cannot read {}: {e}", dir.display()))?;
    let mut files = BTreeMap::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            files.insert(format!("{name}/"), Vec::new());
        } else {
            files.insert(
                name,
                std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?,
            );
        }
    }
    Ok(files)
}

/// Write `NAME.key` (mode 0600) and `NAME.pub`; never overwrite.
pub fn keygen(name: &Path) -> Result<(PathBuf, PathBuf), String> {
    use rand_core::RngCore;
    let key_path = PathBuf::from(format!("{}.key", name.display()));
    let pub_path = PathBuf::from(format!("{}.pub", name.display()));
    for path in [&key_path, &pub_path] {
        if path.exists() {
            return Err(format!(
                "{} 已存在,不会覆盖 / already exists; not overwritten",
                path.display()
            ));
        }
    }
    let mut seed = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut seed);
    let (secret, public) = koujing_checker::compile::manifest::key_files(seed);
    write_private(&key_path, secret.as_bytes())?;
    std::fs::write(&pub_path, public).map_err(|e| format!("{}: {e}", pub_path.display()))?;
    Ok((key_path, pub_path))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    file.write_all(bytes)
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Write one file through a temporary file beside it and a rename.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = sibling(path, "tmp");
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: {e}", path.display())
    })
}
