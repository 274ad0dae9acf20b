//! Loading a workspace for a subcommand: the paths on the command line are
//! resolved to one workspace root by `koujing-fs` (the same discovery the
//! language server uses), the whole workspace is read, and the files the
//! user named become the focus.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use koujing_checker::{Config, Msg, Workspace};

use crate::commands::{lang, say, workspace_lang};

/// A workspace read from disk.
pub struct Loaded {
    pub workspace: Workspace,
    pub config: Config,
    /// Each file's path relative to the workspace root, in
    /// `workspace.files` order (the bundle manifest's `sources`).
    pub relative: Vec<String>,
    /// The real path of each file read, in `workspace.files` order (`None`
    /// for a file found but not read).
    pub real: Vec<Option<PathBuf>>,
    /// The root as shown to the user.
    pub root_shown: String,
    /// The files under the paths named on the command line, when that is
    /// narrower than the whole workspace.
    pub focus: Option<Vec<usize>>,
}

/// How a loader treats a workspace without `.kj` files.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Empty {
    /// Exit 2, naming the path.
    Refuse,
    /// Carry on with nothing (`check --allow-empty`).
    Allow,
}

fn current_dir() -> Result<PathBuf, String> {
    std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_err(|e| say(Msg::CannotReadCurrentFolder, &[("error", &e)]))
}

/// A path as shown: relative to the current folder when below it.
fn shown(path: &Path, cwd: &Path) -> String {
    match path.strip_prefix(cwd) {
        Ok(rest) if rest.as_os_str().is_empty() => ".".into(),
        Ok(rest) => koujing_fs::display(rest),
        Err(_) => koujing_fs::display(path),
    }
}

/// Check a path named on the command line: it exists, and a file is a
/// `.kj` file (or has the extension `also`).
fn check_argument(path: &Path, also: Option<&str>) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| {
        say(
            Msg::CannotReadPath,
            &[("path", &koujing_fs::display(path)), ("error", &e)],
        )
    })?;
    let ext = path.extension().and_then(|e| e.to_str());
    if meta.is_dir() || (meta.is_file() && (ext == Some("kj") || (ext.is_some() && ext == also))) {
        return Ok(());
    }
    Err(say(
        Msg::NotKjFileOrFolder,
        &[("path", &koujing_fs::display(path))],
    ))
}

/// Load the workspace that holds `paths` (default: the current folder). The
/// root is the nearest folder upward with a `koujing.toml`, else the folder
/// given; every path must be in the same workspace. A path with no `.kj`
/// file under it is an error unless `empty` allows it.
pub fn load(paths: &[PathBuf], empty: Empty) -> Result<Loaded, String> {
    let cwd = current_dir()?;
    for path in paths {
        check_argument(path, None)?;
    }
    let start = paths.first().cloned().unwrap_or_else(|| cwd.clone());
    let root = koujing_fs::find_root(&start).map_err(|e| {
        say(
            Msg::CannotReadPath,
            &[("path", &koujing_fs::display(&start)), ("error", &e)],
        )
    })?;
    let root_shown = shown(&root, &cwd);
    let mut canonical = Vec::new();
    for path in paths {
        let other = koujing_fs::find_root(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if other != root {
            return Err(say(
                Msg::DifferentWorkspaces,
                &[
                    ("first", &koujing_fs::display(&start)),
                    ("second", &koujing_fs::display(path)),
                    ("root", &root_shown),
                    ("other", &shown(&other, &cwd)),
                ],
            ));
        }
        canonical.push((
            path,
            std::fs::canonicalize(path).map_err(|e| e.to_string())?,
        ));
    }
    let mut discovery =
        koujing_checker::timing::time("walk + read files", || koujing_fs::walk_root(&root));
    if let Some(why) = &discovery.config_error {
        return Err(why.get(lang()).to_string());
    }
    workspace_lang(discovery.config.lang);
    let (workspace, refused) = koujing_checker::timing::time("parse + lower + line index", || {
        koujing_fs::workspace(&mut discovery, |rel| shown(&root.join(rel), &cwd))
    });
    if let Some(unread) = refused.first() {
        return Err(not_read(&unread.path, &unread.reason, &cwd));
    }
    // Where each file shown came from: relative path, walked and real path.
    let mut origin: HashMap<String, (String, PathBuf, Option<PathBuf>)> = HashMap::new();
    for file in &discovery.files {
        origin.insert(
            shown(&file.path, &cwd),
            (
                file.relative.clone(),
                file.path.clone(),
                Some(file.real.clone()),
            ),
        );
    }
    for unread in &discovery.unread {
        origin.insert(
            shown(&unread.path, &cwd),
            (unread.relative.clone(), unread.path.clone(), None),
        );
    }
    let mut relative = Vec::with_capacity(workspace.files.len());
    let mut walked = Vec::with_capacity(workspace.files.len());
    let mut real = Vec::with_capacity(workspace.files.len());
    for file in &workspace.files {
        let (rel, path, real_path) = origin
            .get(&file.path)
            .cloned()
            .unwrap_or_else(|| (file.path.clone(), PathBuf::from(&file.path), None));
        relative.push(rel);
        walked.push(path);
        real.push(real_path);
    }
    // The focus: files under the paths named, unless one of them is the root.
    let mut focus = None;
    if !canonical.iter().any(|(_, c)| *c == root) && !canonical.is_empty() {
        let mut ids = Vec::new();
        for (given, path) in &canonical {
            let under: Vec<usize> = (0..workspace.files.len())
                .filter(|&id| {
                    walked.get(id).is_some_and(|w| w.starts_with(path))
                        || real
                            .get(id)
                            .and_then(Option::as_ref)
                            .is_some_and(|r| r.starts_with(path))
                })
                .collect();
            if under.is_empty() && empty == Empty::Refuse {
                return Err(no_files(given, &root_shown));
            }
            ids.extend(under);
        }
        ids.sort_unstable();
        ids.dedup();
        focus = Some(ids);
    } else if workspace.files.is_empty() && empty == Empty::Refuse {
        let named = canonical
            .first()
            .map_or_else(|| PathBuf::from(&root_shown), |(given, _)| (*given).clone());
        return Err(no_files(&named, &root_shown));
    }
    Ok(Loaded {
        workspace,
        config: discovery.config,
        relative,
        real,
        root_shown,
        focus,
    })
}

fn no_files(path: &Path, root: &str) -> String {
    say(
        Msg::NoKjFiles,
        &[("path", &koujing_fs::display(path)), ("root", &root)],
    )
}

/// A file that was not read, and why.
fn not_read(path: &Path, reason: &koujing_fs::Reason, cwd: &Path) -> String {
    say(
        Msg::NotRead,
        &[
            ("path", &shown(path, cwd)),
            ("why", &reason.text().get(lang())),
        ],
    )
}

/// The workspace files named by `paths` (for `--only`); an error names a
/// path that is not a file of the workspace.
pub fn file_ids(workspace: &Workspace, paths: &[PathBuf]) -> Result<Vec<usize>, String> {
    let cwd = current_dir()?;
    let mut ids = Vec::new();
    for path in paths {
        let found = std::fs::canonicalize(path)
            .ok()
            .map(|p| shown(&p, &cwd))
            .and_then(|name| workspace.files.iter().position(|f| f.path == name));
        match found {
            Some(id) => ids.push(id),
            None => return Err(say(Msg::OnlyNotInWorkspace, &[("path", &path.display())])),
        }
    }
    Ok(ids)
}

/// The `.kj` files `fmt` works on: those under `paths` (default: the whole
/// workspace of the current folder), each with its real path (inside the
/// workspace root) and its name as shown.
pub fn kj_files(paths: &[PathBuf]) -> Result<(Loaded, Vec<(PathBuf, String)>), String> {
    let loaded = load(paths, Empty::Refuse)?;
    let ids: Vec<usize> = match &loaded.focus {
        Some(ids) => ids.clone(),
        None => (0..loaded.workspace.files.len()).collect(),
    };
    let files = ids
        .into_iter()
        .filter_map(|id| {
            let real = loaded.real.get(id)?.clone()?;
            let file = loaded.workspace.files.get(id)?;
            Some((real, file.path.clone()))
        })
        .collect();
    Ok((loaded, files))
}

/// The `*.kjtest` files under `paths` (default: the current folder), found
/// by the same walker: real paths inside the workspace root, once each.
pub fn kjtest_files(paths: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, String> {
    let cwd = current_dir()?;
    let starts = if paths.is_empty() {
        vec![cwd.clone()]
    } else {
        paths.to_vec()
    };
    let mut out = Vec::new();
    for start in &starts {
        check_argument(start, Some("kjtest"))?;
        if start.is_dir() {
            let (found, unread) = koujing_fs::find_under(start, "kjtest")
                .map_err(|e| format!("{}: {e}", koujing_fs::display(start)))?;
            if let Some(unread) = unread.first() {
                return Err(not_read(&unread.path, &unread.reason, &cwd));
            }
            out.extend(found.into_iter().map(|f| {
                let name = shown(&f.path, &cwd);
                (f.real, name)
            }));
        } else if start.extension().is_some_and(|e| e == "kjtest") {
            let real = std::fs::canonicalize(start).map_err(|e| e.to_string())?;
            let name = shown(&real, &cwd);
            out.push((real, name));
        }
    }
    Ok(out)
}
