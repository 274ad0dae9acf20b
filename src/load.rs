//! Finding and reading the files of a workspace, and its `koujing.toml`.

use std::path::{Path, PathBuf};

use koujing_checker::{Config, Workspace};

/// A workspace read from disk.
pub struct Loaded {
    pub workspace: Workspace,
    pub config: Config,
    /// Each file's path relative to the root it was found under, in
    /// `workspace.files` order (the bundle manifest's `sources`).
    pub relative: Vec<String>,
}

/// Folders never searched for `.kj` files.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name == "node_modules"
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("无法读取目录 / cannot read folder {}: {e}", dir.display()))?;
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    for child in children {
        let name = child
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if child.is_dir() {
            if !skipped(&name) {
                walk(&child, out)?;
            }
        } else if child.extension().is_some_and(|e| e == "kj") {
            out.push(child);
        }
    }
    Ok(())
}

/// The path as shown: relative to the current folder when below it, with `/`.
fn display_path(path: &Path, cwd: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    let shown = absolute
        .strip_prefix(cwd)
        .map(Path::to_path_buf)
        .unwrap_or(absolute);
    let mut parts: Vec<String> = Vec::new();
    for part in shown.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    let joined = parts.join("/");
    if joined.is_empty() {
        "/".to_string()
    } else {
        joined
    }
}

/// Read the config of the first folder among `roots` that has a
/// `koujing.toml`, else of the current folder.
fn find_config(roots: &[PathBuf]) -> Result<(Config, Option<PathBuf>), String> {
    let mut candidates: Vec<PathBuf> = roots.iter().filter(|p| p.is_dir()).cloned().collect();
    candidates.push(PathBuf::from("."));
    for dir in candidates {
        let file = dir.join("koujing.toml");
        if file.is_file() {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("无法读取 / cannot read {}: {e}", file.display()))?;
            let config = Config::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            return Ok((config, Some(dir)));
        }
    }
    Ok((Config::default(), None))
}

/// Load every `.kj` file under `paths` (default: the current folder, or the
/// `roots` of its `koujing.toml`).
pub fn load(paths: &[PathBuf]) -> Result<Loaded, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let (config, config_dir) = find_config(paths)?;
    let mut roots: Vec<PathBuf> = paths.to_vec();
    if roots.is_empty() {
        let base = config_dir.unwrap_or_else(|| PathBuf::from("."));
        roots = if config.roots.is_empty() {
            vec![base]
        } else {
            config.roots.iter().map(|r| base.join(r)).collect()
        };
    }
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for root in &roots {
        let metadata = std::fs::metadata(root)
            .map_err(|e| format!("无法读取路径 / cannot read path {}: {e}", root.display()))?;
        if metadata.is_dir() {
            let mut found = Vec::new();
            walk(root, &mut found)?;
            for file in found {
                let relative = file
                    .strip_prefix(root)
                    .map_or_else(|_| file.clone(), Path::to_path_buf);
                let mut shown = display_path(&relative, Path::new("/nowhere"));
                if roots.len() > 1 {
                    let name = root
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    shown = format!("{name}/{shown}");
                }
                files.push((file, shown));
            }
        } else {
            let name = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            files.push((root.clone(), name));
        }
    }
    let mut sources = Vec::with_capacity(files.len());
    let mut relative_of = std::collections::HashMap::new();
    for (file, relative) in files {
        let bytes = std::fs::read(&file)
            .map_err(|e| format!("无法读取文件 / cannot read file {}: {e}", file.display()))?;
        let shown = display_path(&file, &cwd);
        relative_of.insert(shown.clone(), relative);
        sources.push((shown, bytes));
    }
    let workspace = Workspace::new(sources);
    let relative = workspace
        .files
        .iter()
        .map(|f| {
            relative_of
                .get(&f.path)
                .cloned()
                .unwrap_or_else(|| f.path.clone())
        })
        .collect();
    Ok(Loaded {
        workspace,
        config,
        relative,
    })
}

/// The workspace files named by `paths` (for `--only`); an error names a
/// path that is not a file of the workspace.
pub fn file_ids(workspace: &Workspace, paths: &[PathBuf]) -> Result<Vec<usize>, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let mut ids = Vec::new();
    for path in paths {
        let shown = display_path(path, &cwd);
        match workspace.files.iter().position(|f| f.path == shown) {
            Some(id) => ids.push(id),
            None => {
                return Err(format!(
                    "--only {}: 不是本工作区的 .kj 文件 / not a .kj file of this workspace",
                    path.display()
                ))
            }
        }
    }
    Ok(ids)
}

/// Every `.kj` file under `paths` (default: the current folder), with its
/// display path.
pub fn kj_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let roots = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut files = Vec::new();
    for root in &roots {
        let metadata = std::fs::metadata(root)
            .map_err(|e| format!("无法读取路径 / cannot read path {}: {e}", root.display()))?;
        if metadata.is_dir() {
            walk(root, &mut files)?;
        } else {
            files.push(root.clone());
        }
    }
    Ok(files
        .into_iter()
        .map(|f| {
            let shown = display_path(&f, &cwd);
            (f, shown)
        })
        .collect())
}
