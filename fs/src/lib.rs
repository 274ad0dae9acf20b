//! Workspace discovery and the one safe walker, shared by every CLI
//! subcommand and the language server so that the editor and CI always
//! load the same files.
//!
//! Rules (docs/ROBUSTNESS.md):
//! - the workspace root is the nearest folder holding a `koujing.toml`,
//!   looking upward from the given path, else the given folder itself;
//! - `roots` in `koujing.toml` name the folders to walk (inside the root);
//! - a folder below the root with its own `koujing.toml` is a separate
//!   workspace and is not walked;
//! - folders named `.…`, `target` and `node_modules` are not walked;
//! - a symbolic link is followed only when its target is inside the root;
//!   one that leaves it is reported ([`Reason::OutsideRoot`]), never read;
//! - FIFOs, sockets and devices are never opened ([`Reason::Special`]);
//! - every folder and file is visited once per real identity (device and
//!   inode), so link loops end and no file is loaded twice;
//! - no file is read past [`READ_CAP`] bytes;
//! - names that are not UTF-8 are shown with `\xNN` escapes, and two files
//!   are never collapsed into one name ([`Reason::SameName`]);
//! - the order is deterministic (names sorted as bytes).

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

pub use koujing_checker::Config;
use koujing_grammar::Arg;

/// Bytes read from one file at most: one more than the parser accepts, so
/// an oversized file is still reported (KJ0005) without being read whole.
pub const READ_CAP: u64 = koujing_grammar::prescan::MAX_FILE_BYTES as u64 + 1;

/// Bytes read from `koujing.toml` at most.
pub const CONFIG_CAP: u64 = 1024 * 1024;

/// The configuration file's name.
pub const CONFIG_FILE: &str = "koujing.toml";

/// Why a `.kj` file (or a folder) of the workspace was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// A symbolic link (or a `roots` entry) whose target is outside the root.
    OutsideRoot,
    /// A FIFO, socket or device.
    Special,
    /// Another file of the workspace is shown under the same name.
    SameName,
    /// The system refused (permissions, a broken link, …).
    Unreadable(String),
}

impl Reason {
    /// The reason in Chinese and English.
    pub fn text(&self) -> koujing_checker::LocalText {
        use koujing_checker::Msg;
        match self {
            Reason::OutsideRoot => Msg::ReasonOutsideRoot.text(&[]),
            Reason::Special => Msg::ReasonSpecial.text(&[]),
            Reason::SameName => Msg::ReasonSameName.text(&[]),
            Reason::Unreadable(why) => Msg::ReasonUnreadable.text(&[("error", why)]),
        }
    }
}

impl Reason {
    /// The `what` and `limit` arguments of the KJ0005 that reports a file
    /// not read; `None` for [`Reason::Unreadable`], which is an error of
    /// the system, not of the workspace.
    pub fn finding(&self) -> Option<(Arg, Arg)> {
        let limit = |zh: &str, en: &str| {
            Arg::text(
                format!("可读取的范围({zh}),未读取"),
                format!("what may be read ({en}); not read"),
            )
        };
        match self {
            Reason::OutsideRoot => Some((
                Arg::text(
                    "指向工作区根目录之外的符号链接",
                    "a symbolic link to a path outside the workspace root",
                ),
                limit("工作区根目录之内的文件", "files inside the workspace root"),
            )),
            Reason::Special => Some((
                Arg::text("管道、套接字或设备文件", "a FIFO, socket or device"),
                limit("仅普通文件", "regular files only"),
            )),
            Reason::SameName => Some((
                Arg::text(
                    "与另一文件显示名称相同的文件",
                    "a second file shown under the same name",
                ),
                limit("每个名称一个文件", "one file per name"),
            )),
            Reason::Unreadable(_) => None,
        }
    }
}

/// A file found but not read: its name, and the `what` and `limit` of its
/// KJ0005.
pub type Placeholder = (String, Arg, Arg);

/// The checker's input from a discovery: files read (name, bytes), files
/// found but not read, files the system refused.
pub type Sources<'a> = (Vec<(String, Vec<u8>)>, Vec<Placeholder>, Vec<&'a Unread>);

/// What the checker needs from a discovery, each file named by `name`
/// (given the path relative to the root): the files read, the files found
/// but not read (KJ0005 placeholders), and the files the system refused to
/// read (for the caller to report).
pub fn sources(discovery: &Discovery, name: impl Fn(&Path) -> String) -> Sources<'_> {
    let relative = |path: &Path| {
        path.strip_prefix(&discovery.root)
            .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
    };
    let files = discovery
        .files
        .iter()
        .map(|f| (name(&relative(&f.path)), f.bytes.clone()))
        .collect();
    let mut placeholders = Vec::new();
    let mut refused = Vec::new();
    for unread in &discovery.unread {
        match unread.reason.finding() {
            Some((what, limit)) => placeholders.push((name(&relative(&unread.path)), what, limit)),
            None => refused.push(unread),
        }
    }
    (files, placeholders, refused)
}

/// The checker's workspace for a discovery (see [`sources`]), parsed for
/// one check (syntax trees dropped once lowered, see
/// [`koujing_checker::Workspace::new_for_check`]); the files the system
/// refused to read are returned beside it. The files' bytes move into the
/// workspace (`discovery.files` keeps their paths, with empty `bytes`).
pub fn workspace(
    discovery: &mut Discovery,
    name: impl Fn(&Path) -> String,
) -> (koujing_checker::Workspace, Vec<&Unread>) {
    let bytes: Vec<Vec<u8>> = discovery
        .files
        .iter_mut()
        .map(|f| std::mem::take(&mut f.bytes))
        .collect();
    let (files, placeholders, refused) = sources(discovery, name);
    // `sources` lists the files in `discovery.files` order.
    let files = files
        .into_iter()
        .zip(bytes)
        .map(|((path, _), bytes)| (path, bytes));
    let mut workspace = koujing_checker::Workspace::new_for_check(files);
    for (path, what, limit) in placeholders {
        workspace.add_unread(&path, what, limit);
    }
    (workspace, refused)
}

/// A `.kj` file read from the workspace.
#[derive(Debug)]
pub struct Found {
    /// The path as walked (the root joined with `relative`'s components).
    pub path: PathBuf,
    /// The real (canonical) path that was read.
    pub real: PathBuf,
    /// The path relative to the workspace root, `/`-separated, escaped.
    pub relative: String,
    pub bytes: Vec<u8>,
}

/// A `.kj` file or folder of the workspace that was not read, and why.
#[derive(Debug)]
pub struct Unread {
    /// The path as walked.
    pub path: PathBuf,
    /// The path relative to the workspace root, `/`-separated, escaped.
    pub relative: String,
    pub reason: Reason,
}

/// A discovered workspace.
#[derive(Debug)]
pub struct Discovery {
    /// The canonical root folder.
    pub root: PathBuf,
    /// Whether `root` holds a `koujing.toml`.
    pub has_config: bool,
    /// The configuration (the default when there is none or it is broken).
    pub config: Config,
    /// Why `koujing.toml` could not be used, if so, in both languages.
    pub config_error: Option<koujing_checker::LocalText>,
    /// The files read, in walk order.
    pub files: Vec<Found>,
    /// What was not read.
    pub unread: Vec<Unread>,
}

/// The workspace root for `start`: the nearest folder upward (from `start`,
/// or from the folder of a file) holding a `koujing.toml`, else that
/// folder itself. The result is canonical.
pub fn find_root(start: &Path) -> std::io::Result<PathBuf> {
    let start = std::fs::canonicalize(start)?;
    let base = if start.is_dir() {
        start
    } else {
        start
            .parent()
            .map_or_else(|| start.clone(), Path::to_path_buf)
    };
    for dir in base.ancestors() {
        if is_regular(&dir.join(CONFIG_FILE)) {
            return Ok(dir.to_path_buf());
        }
    }
    Ok(base)
}

/// Find the root for `start` and walk it.
pub fn discover(start: &Path) -> std::io::Result<Discovery> {
    Ok(walk_root(&find_root(start)?))
}

/// Read the configuration of `root` (canonical) and walk its roots.
pub fn walk_root(root: &Path) -> Discovery {
    let mut discovery = Discovery {
        root: root.to_path_buf(),
        has_config: false,
        config: Config::default(),
        config_error: None,
        files: Vec::new(),
        unread: Vec::new(),
    };
    let config_path = root.join(CONFIG_FILE);
    if is_regular(&config_path) {
        discovery.has_config = true;
        let parsed = read_regular(&config_path, CONFIG_CAP)
            .map_err(|r| r.text())
            .and_then(|bytes| {
                String::from_utf8(bytes)
                    .map_err(|e| koujing_checker::LocalText::new(e.to_string(), e.to_string()))
            })
            .and_then(|text| Config::parse(&text));
        match parsed {
            Ok(config) => discovery.config = config,
            Err(why) => {
                let path = display(&config_path);
                discovery.config_error = Some(koujing_checker::LocalText::from_fn(|lang| {
                    koujing_checker::Msg::NotRead
                        .get(lang, &[("path", &path), ("why", &why.get(lang))])
                }));
            }
        }
    }
    let mut walker = Walker::new(root, "kj");
    let starts: Vec<String> = if discovery.config.roots.is_empty() {
        vec![String::new()]
    } else {
        discovery.config.roots.clone()
    };
    for start in starts {
        let joined = root.join(&start);
        match std::fs::canonicalize(&joined) {
            Ok(real) if real.starts_with(root) && real.is_dir() => {
                let relative = real
                    .strip_prefix(root)
                    .map_or_else(|_| PathBuf::new(), Path::to_path_buf);
                walker.walk(real, relative);
            }
            Ok(real) if !real.starts_with(root) => {
                walker.skip(PathBuf::from(&start), joined, Reason::OutsideRoot)
            }
            Ok(_) => walker.skip(
                PathBuf::from(&start),
                joined,
                Reason::Unreadable("not a folder".into()),
            ),
            Err(e) => walker.skip(
                PathBuf::from(&start),
                joined,
                Reason::Unreadable(e.to_string()),
            ),
        }
    }
    (discovery.files, discovery.unread) = walker.finish();
    discovery
}

/// Every file named `*.EXTENSION` under the folder `start`, walked by the
/// same rules as the workspace (bounded by the workspace root of `start`,
/// ignoring `roots`): used for `*.kjtest` files, which may sit beside the
/// sources.
pub fn find_under(start: &Path, extension: &str) -> std::io::Result<(Vec<Found>, Vec<Unread>)> {
    let root = find_root(start)?;
    let start = std::fs::canonicalize(start)?;
    let mut walker = Walker::new(&root, extension);
    let relative = start
        .strip_prefix(&root)
        .map_or_else(|_| PathBuf::new(), Path::to_path_buf);
    walker.walk(start, relative);
    Ok(walker.finish())
}

/// Read one file of the workspace at `root` by the same rules as the walk:
/// it must resolve inside the root and be a regular file; at most
/// [`READ_CAP`] bytes are read. Used for files named one at a time (the
/// editor closing a document).
pub fn read_inside(root: &Path, path: &Path) -> Result<Vec<u8>, Reason> {
    let real = std::fs::canonicalize(path).map_err(|e| Reason::Unreadable(e.to_string()))?;
    let root = std::fs::canonicalize(root).map_err(|e| Reason::Unreadable(e.to_string()))?;
    if !real.starts_with(&root) {
        return Err(Reason::OutsideRoot);
    }
    read_regular(&real, READ_CAP)
}

/// A path as shown to people: `/`-separated, bytes that are not UTF-8
/// written as `\xNN`, so two different names never look the same.
pub fn display(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for byte in chunk.invalid() {
                out.push_str(&format!("\\x{byte:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().replace('\\', "/")
    }
}

/// Whether `path` is a regular file (not following a final link).
fn is_regular(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// Folders never walked.
fn skipped_folder(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name == "target" || name == "node_modules"
}

/// A real file's identity: device and inode.
#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = PathBuf;

#[cfg(unix)]
fn identity(_real: &Path, meta: &Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(real: &Path, _meta: &Metadata) -> Identity {
    real.to_path_buf()
}

/// Open without blocking (a FIFO would wait for a writer) and without
/// following a final link.
fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    options.open(path)
}

/// Read at most `cap` bytes of a regular file; anything else (a link, a
/// FIFO, a device) is refused before a byte is read.
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, Reason> {
    let file = open(path).map_err(|e| Reason::Unreadable(e.to_string()))?;
    let meta = file
        .metadata()
        .map_err(|e| Reason::Unreadable(e.to_string()))?;
    if !meta.is_file() {
        return Err(Reason::Special);
    }
    // Sized from the metadata, so that a file is read in one call (and one
    // more to see its end) rather than in a dozen growing ones.
    let expected = usize::try_from(meta.len().min(cap)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected.saturating_add(1));
    file.take(cap)
        .read_to_end(&mut bytes)
        .map_err(|e| Reason::Unreadable(e.to_string()))?;
    Ok(bytes)
}

/// Walks first and reads afterwards, on every core ([`Walker::finish`]):
/// what was not read keeps its place in walk order (`seq`), so the first
/// file refused is the same however the reads were scheduled.
struct Walker<'a> {
    root: &'a Path,
    extension: &'a str,
    dirs: HashSet<Identity>,
    files: HashSet<Identity>,
    names: HashSet<String>,
    /// Files to read, with their place in walk order.
    pending: Vec<(usize, Pending)>,
    /// What was not read, with its place in walk order.
    unread: Vec<(usize, Unread)>,
    seq: usize,
}

/// A `.kj` file the walk accepted, not read yet.
struct Pending {
    path: PathBuf,
    real: PathBuf,
    relative: String,
}

impl<'a> Walker<'a> {
    fn new(root: &'a Path, extension: &'a str) -> Walker<'a> {
        Walker {
            root,
            extension,
            dirs: HashSet::new(),
            files: HashSet::new(),
            names: HashSet::new(),
            pending: Vec::new(),
            unread: Vec::new(),
            seq: 0,
        }
    }

    fn next_seq(&mut self) -> usize {
        self.seq += 1;
        self.seq
    }

    fn skip(&mut self, relative: PathBuf, path: PathBuf, reason: Reason) {
        let seq = self.next_seq();
        self.unread.push((
            seq,
            Unread {
                path,
                relative: display(&relative),
                reason,
            },
        ));
    }

    /// Read the accepted files (in parallel) and give back what was read
    /// and what was not, each in walk order.
    fn finish(self) -> (Vec<Found>, Vec<Unread>) {
        use rayon::prelude::*;
        let read: Vec<(usize, Pending, Result<Vec<u8>, Reason>)> = self
            .pending
            .into_par_iter()
            .map(|(seq, pending)| {
                let bytes = read_regular(&pending.real, READ_CAP);
                (seq, pending, bytes)
            })
            .collect();
        let mut unread = self.unread;
        let mut found = Vec::with_capacity(read.len());
        for (seq, pending, bytes) in read {
            match bytes {
                Ok(bytes) => found.push(Found {
                    path: pending.path,
                    real: pending.real,
                    relative: pending.relative,
                    bytes,
                }),
                Err(reason) => unread.push((
                    seq,
                    Unread {
                        path: pending.path,
                        relative: pending.relative,
                        reason,
                    },
                )),
            }
        }
        unread.sort_by_key(|(seq, _)| *seq);
        (found, unread.into_iter().map(|(_, u)| u).collect())
    }

    /// Walk the folder `start` (canonical, inside the root), shown as
    /// `relative`, depth first without recursion.
    fn walk(&mut self, start: PathBuf, relative: PathBuf) {
        if let Ok(meta) = std::fs::metadata(&start) {
            if !self.dirs.insert(identity(&start, &meta)) {
                return;
            }
        }
        let mut stack = vec![(start, relative)];
        while let Some((dir, relative)) = stack.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) => {
                    self.skip(relative, dir, Reason::Unreadable(e.to_string()));
                    continue;
                }
            };
            let mut names: Vec<OsString> = entries
                .filter_map(|e| e.ok().map(|e| e.file_name()))
                .collect();
            names.sort();
            let mut folders = Vec::new();
            for name in names {
                let path = dir.join(&name);
                let shown = relative.join(&name);
                if let Some(folder) = self.entry(path, shown, &name) {
                    folders.push(folder);
                }
            }
            stack.extend(folders.into_iter().rev());
        }
    }

    /// Look at one folder entry: read it if it is a `.kj` file, return it
    /// if it is a folder to walk.
    fn entry(
        &mut self,
        path: PathBuf,
        shown: PathBuf,
        name: &std::ffi::OsStr,
    ) -> Option<(PathBuf, PathBuf)> {
        let is_kj = Path::new(name)
            .extension()
            .is_some_and(|e| e == self.extension);
        let link = std::fs::symlink_metadata(&path).ok()?;
        let (meta, real) = if link.file_type().is_symlink() {
            let real = match std::fs::canonicalize(&path) {
                Ok(real) => real,
                Err(e) => {
                    if is_kj {
                        self.skip(shown, path, Reason::Unreadable(e.to_string()));
                    }
                    return None;
                }
            };
            if !real.starts_with(self.root) {
                if is_kj || (real.is_dir() && !skipped_folder(name)) {
                    self.skip(shown, path, Reason::OutsideRoot);
                }
                return None;
            }
            (std::fs::metadata(&real).ok()?, real)
        } else {
            (link, path.clone())
        };
        if meta.is_dir() {
            if skipped_folder(name) || is_regular(&real.join(CONFIG_FILE)) {
                return None;
            }
            if !self.dirs.insert(identity(&real, &meta)) {
                return None;
            }
            return Some((real, shown));
        }
        if !is_kj {
            return None;
        }
        if !meta.is_file() {
            self.skip(shown, path, Reason::Special);
            return None;
        }
        if !self.files.insert(identity(&real, &meta)) {
            return None;
        }
        let relative = display(&shown);
        if !self.names.insert(relative.clone()) {
            self.skip(shown, path, Reason::SameName);
            return None;
        }
        let seq = self.next_seq();
        self.pending.push((
            seq,
            Pending {
                path,
                real,
                relative,
            },
        ));
        None
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn names(d: &Discovery) -> Vec<String> {
        let mut v: Vec<String> = d.files.iter().map(|f| f.relative.clone()).collect();
        v.sort();
        v
    }

    #[test]
    fn root_is_the_nearest_config_upward() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path().join("ws");
        std::fs::create_dir_all(ws.join("a/b")).unwrap();
        std::fs::write(ws.join(CONFIG_FILE), "").unwrap();
        std::fs::write(ws.join("a/b/x.kj"), "").unwrap();
        let real = std::fs::canonicalize(&ws).unwrap();
        assert_eq!(find_root(&ws.join("a/b")).unwrap(), real);
        assert_eq!(find_root(&ws.join("a/b/x.kj")).unwrap(), real);
        let d = discover(&ws.join("a")).unwrap();
        assert_eq!(names(&d), vec!["a/b/x.kj"]);
    }

    #[cfg(unix)]
    #[test]
    fn loops_end_and_each_file_is_read_once() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path();
        std::fs::write(ws.join("a.kj"), "x").unwrap();
        std::os::unix::fs::symlink(".", ws.join("x")).unwrap();
        std::os::unix::fs::symlink(".", ws.join("y")).unwrap();
        std::os::unix::fs::symlink("a.kj", ws.join("b.kj")).unwrap();
        let d = discover(ws).unwrap();
        assert_eq!(d.files.len(), 1, "{:?}", names(&d));
        assert!(d.unread.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn links_out_and_special_files_are_reported_not_read() {
        let tmp = tempfile::tempdir().unwrap();
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret.kj"), "secret").unwrap();
        let ws = tmp.path().join("ws");
        std::fs::create_dir_all(&ws).unwrap();
        std::os::unix::fs::symlink(outside.join("secret.kj"), ws.join("s.kj")).unwrap();
        std::os::unix::fs::symlink(&outside, ws.join("dir")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", ws.join("zero.kj")).unwrap();
        let d = discover(&ws).unwrap();
        assert!(d.files.is_empty());
        let mut reasons: Vec<(String, Reason)> = d
            .unread
            .iter()
            .map(|u| (u.relative.clone(), u.reason.clone()))
            .collect();
        reasons.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            reasons,
            vec![
                ("dir".to_string(), Reason::OutsideRoot),
                ("s.kj".to_string(), Reason::OutsideRoot),
                ("zero.kj".to_string(), Reason::OutsideRoot),
            ]
        );
        assert!(read_inside(&ws, &ws.join("s.kj")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_stay_apart() {
        use std::os::unix::ffi::OsStrExt;
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path();
        for name in [&b"a\xfe.kj"[..], &b"a\xff.kj"[..]] {
            if std::fs::write(ws.join(std::ffi::OsStr::from_bytes(name)), "x").is_err() {
                return; // a file system that refuses such names
            }
        }
        let d = discover(ws).unwrap();
        assert_eq!(names(&d), vec!["a\\xFE.kj", "a\\xFF.kj"]);
    }

    #[test]
    fn files_read_in_parallel_come_back_in_walk_order_with_their_bytes() {
        let tmp = tempfile::tempdir().unwrap();
        let ws = tmp.path();
        let mut expected = Vec::new();
        for dir in ["b", "a", "a/z", "c"] {
            std::fs::create_dir_all(ws.join(dir)).unwrap();
            for n in (0..40).rev() {
                let rel = format!("{dir}/f{n:02}.kj");
                std::fs::write(ws.join(&rel), rel.repeat(n + 1)).unwrap();
                expected.push(rel);
            }
        }
        // Depth first, names sorted: `a/f..` before `a/z/..` (files and
        // folders of one folder in name order, a folder walked after it).
        expected.sort_by_key(|rel| {
            let (dir, file) = rel.rsplit_once('/').unwrap();
            (dir.to_string(), file.to_string())
        });
        let d = discover(ws).unwrap();
        let got: Vec<&str> = d.files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(got, expected);
        for file in &d.files {
            let n: usize = file.relative[file.relative.len() - 5..file.relative.len() - 3]
                .parse()
                .unwrap();
            assert_eq!(file.bytes, file.relative.repeat(n + 1).into_bytes());
        }
    }

    #[test]
    fn reads_stop_at_the_cap() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("big.kj");
        std::fs::write(&file, vec![b' '; 100]).unwrap();
        assert_eq!(read_regular(&file, 10).unwrap().len(), 10);
    }
}
