//! The message catalogue: every user-facing text of the command line that is
//! not a diagnostic, by message id, in zh-CN and en. (A diagnostic's message
//! id is its code; its templates live in the registry, `codes.rs`.)
//!
//! A message is rendered into a [`LocalText`] (both languages, for callers
//! that choose the language later, such as the language server) or straight
//! into the chosen language. Placeholders are `{name}`; a test checks that
//! both languages of every message use the same ones.

use std::fmt::Display;

use crate::diagnostic::{Lang, LocalText};

macro_rules! messages {
    ($(#[$meta:meta])* $enum:ident { $( $(#[$doc:meta])* $name:ident ($zh:literal, $en:literal); )* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $enum { $( $(#[$doc])* $name ),* }

        impl $enum {
            /// Every message, in catalogue order.
            pub const ALL: &'static [$enum] = &[$($enum::$name),*];

            /// The template in one language.
            pub fn template(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $( ($enum::$name, Lang::Zh) => $zh, ($enum::$name, Lang::En) => $en, )*
                }
            }

            /// The message in both languages, placeholders filled.
            pub fn text(self, args: &[(&str, &dyn Display)]) -> LocalText {
                LocalText::new(self.get(Lang::Zh, args), self.get(Lang::En, args))
            }

            /// The message in one language, placeholders filled.
            pub fn get(self, lang: Lang, args: &[(&str, &dyn Display)]) -> String {
                $crate::messages::fill(self.template(lang), args)
            }
        }
    };
}

mod bundle;
mod editor;
mod notes;
mod query;
mod report;

pub use bundle::BundleMsg;
pub use editor::EditorMsg;
pub use notes::NoteMsg;
pub use query::QueryMsg;
pub use report::ReportMsg;

messages! {
    /// A message of the command line.
    Msg {
        // Loading a workspace.
        CannotReadCurrentFolder("无法读取当前目录：{error}", "cannot read the current folder: {error}");
        CannotReadPath("无法读取路径 {path}：{error}", "cannot read path {path}: {error}");
        NotKjFileOrFolder("{path}：不是 .kj 文件或文件夹", "{path}: not a .kj file or a folder");
        DifferentWorkspaces("{first} 与 {second} 属于不同的工作区：{root} 和 {other}",
            "{first} and {second} belong to different workspaces: {root} and {other}"
        );
        NotRead("{path}：{why}", "{path}: {why}");
        ReasonOutsideRoot("符号链接指向工作区根目录之外,未读取", "a symbolic link that leads outside the workspace root; not read");
        ReasonSpecial("不是普通文件(管道、套接字或设备),未读取", "not a regular file (a FIFO, socket or device); not read");
        ReasonSameName("与另一个文件显示为同一名称,未读取", "another file is shown under the same name; not read");
        ReasonUnreadable("无法读取:{error}", "cannot read: {error}");
        NoKjFiles("{path}：没有找到工作区的 .kj 文件(工作区根目录 {root})",
            "{path}: no .kj file of the workspace found here (workspace root: {root})"
        );
        OnlyNotInWorkspace("--only {path}：不是本工作区的 .kj 文件", "--only {path}: not a .kj file of this workspace");
        OnlyDifferentWorkspaces("--only：文件属于不同的工作区：{root} 和 {other}",
            "--only: the files belong to different workspaces: {root} and {other}"
        );
        NoKjtestFiles("没有找到 .kjtest 文件", "no .kjtest files found");
        WorkspaceHasErrors("工作区有 {errors} 个错误,先运行 koujing check",
            "the workspace has {errors} errors; run koujing check first"
        );
        // koujing.toml.
        ConfigUnreadable("koujing.toml 无法解析：{error}", "koujing.toml cannot be read: {error}");
        ConfigBadLang("koujing.toml：lang = \"{lang}\" 应为 \"zh-CN\" 或 \"en\"",
            "koujing.toml: lang = \"{lang}\" must be \"zh-CN\" or \"en\""
        );
        ConfigUnknownCode("koujing.toml [lints]：未知代码 `{code}`", "koujing.toml [lints]: unknown code `{code}`");
        ConfigBadLevel("koujing.toml [lints] {code} = \"{level}\"：应为 allow | info | warning | error{hint}",
            "koujing.toml [lints] {code} = \"{level}\": must be allow | info | warning | error{hint}"
        );
        ConfigLevelHint("；你是想写 \"{level}\"？", "; did you mean \"{level}\"?");
        // Command-line values.
        BadLang("应为 zh-CN 或 en,而不是 `{text}`", "must be zh-CN or en, found `{text}`");
        NotANumber("{what} 应为数字", "{what} must be a number");
        NotAPair("应为 名称=值,而不是 `{text}`", "expected NAME=VALUE, found `{text}`");
        BadDate("应为日期 YYYY-MM-DD,而不是 `{text}`", "expected a date YYYY-MM-DD, found `{text}`");
        UnknownCode("未知的诊断代码 `{code}`({first} … {last})", "unknown code `{code}` ({first} … {last})");
        EveryCode("所有代码：{path}", "every code: {path}");
        NoSuchSubcommand("没有这个子命令：{name}", "no such subcommand: {name}");
        // Files.
        CannotRead("无法读取 {path}：{error}", "cannot read {path}: {error}");
        CannotWrite("无法写入 {path}：{error}", "cannot write {path}: {error}");
        CannotCreate("无法创建 {path}：{error}", "cannot create {path}: {error}");
        NotRegularFile("不是普通文件", "not a regular file");
        TooLargeForKey("文件过大,不是密钥", "too large to be a key");
        NotSecretKey("{path}：不是 koujing keygen 生成的私钥", "{path}: not a key from `koujing keygen`");
        NotPublicKey("{path}：不是公钥文件", "{path}: not a public key file");
        KeyExists("{path} 已存在,不会覆盖", "{path} already exists; not overwritten");
        NotRegularNothingWritten("{path}：不是普通文件,未写入", "{path}: not a regular file; nothing written");
        // Bundles.
        BundleSymlink("{path}：产物中的符号链接,未读取", "{path}: a symbolic link in a bundle; not read");
        BundleSpecial("{path}：产物中的特殊文件(管道、套接字或设备),未读取",
            "{path}: a FIFO, socket or device in a bundle; not read"
        );
        BundleFileTooLarge("{path}：超过 {mib} MiB", "{path}: larger than {mib} MiB");
        NotABundleToReplace(
            "{path}：已存在且不是可验证的 Koujing 产物目录，拒绝覆盖，未写入任何文件（请换一个 --out，或先移走它）：{why}",
            "{path}: exists and is not a Koujing bundle that verifies; refusing to replace it, nothing was written (choose another --out, or move it away): {why}"
        );
        NotAFolder("不是文件夹", "not a folder");
        CannotLock("无法加锁：{error}", "cannot lock: {error}");
        ManifestSchema(
            "manifest.json 不符合其格式（`{at}` 处）：{error}",
            "manifest.json does not follow its schema (at `{at}`): {error}"
        );
        BuildRefused("构建已取消：有 {errors} 个错误,未写入任何文件", "build refused: {errors} errors; nothing was written");
        Built("已生成 {path}：{files} 个文件", "built {path}: {files} files");
        // koujing check.
        WorkspaceRoot("工作区根目录:{root}", "workspace root: {root}");
        OnlyNothingChanged("--only 没有给出文件:没有改动,不报告任何问题", "--only names no file: nothing changed, nothing to report");
        Checked("检查了 {files}:{errors},{warnings},{infos}", "checked {files}: {errors}, {warnings}, {infos}");
        FilesOne("{n} 个文件", "{n} file");
        FilesMany("{n} 个文件", "{n} files");
        ErrorsOne("{n} 个错误", "{n} error");
        ErrorsMany("{n} 个错误", "{n} errors");
        WarningsOne("{n} 个警告", "{n} warning");
        WarningsMany("{n} 个警告", "{n} warnings");
        InfosOne("{n} 个提示", "{n} info");
        InfosMany("{n} 个提示", "{n} infos");
        // koujing report.
        WorkspaceWithoutSubmission("不含所提交文件的工作区", "the workspace without the submitted files");
        // Baselines.
        BaselineNoteOne(
            "基线中已有 {unchanged} 个问题(未显示),{fixed} 个已修复",
            "{unchanged} existing finding from the baseline not shown, {fixed} fixed"
        );
        BaselineNote(
            "基线中已有 {unchanged} 个问题(未显示),{fixed} 个已修复",
            "{unchanged} existing findings from the baseline not shown, {fixed} fixed"
        );
        GoneFromBaseline("{code} 在 {item} 中已不再出现", "{code} in {item} is gone");
        WroteBaseline("已写入基线 {path}：{findings} 个问题", "wrote baseline {path}: {findings} findings");
        CannotReadBaseline("无法读取基线 {path}：{error}", "cannot read baseline {path}: {error}");
        NotBaseline("{path}：不是 koujing 基线文件：{error}", "{path}: not a koujing baseline file: {error}");
        // fmt.
        NotUtf8NotFormatted("{path}：不是 UTF-8,未格式化", "{path}: not UTF-8; not formatted");
        SyntaxErrorsNotFormatted("{path}：有语法错误,未格式化(koujing check)",
            "{path}: has syntax errors; not formatted (koujing check)"
        );
        UnsafeNotFormatted("{path}：格式化结果不安全,未写入：{why}", "{path}: not formatted: {why}");
        // The process.
        CannotStart("无法启动：{error}", "cannot start: {error}");
        InternalError("内部错误：检查器崩溃", "internal error: the checker panicked");
    }
}

impl Msg {
    /// `n` with the message for one (`n` = 1) or for many, in one language.
    pub fn count(lang: Lang, n: usize, one: Msg, many: Msg) -> String {
        let msg = if n == 1 { one } else { many };
        msg.get(lang, &[("n", &n)])
    }
}

/// Fill a template's `{name}` placeholders (unknown ones stay as written).
pub(crate) fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    use std::fmt::Write as _;
    crate::codes::fill_with(template, |name, out| {
        args.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, value)| {
                // Writing into a String cannot fail.
                let _ = write!(out, "{value}");
            })
            .is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(template: &str) -> BTreeSet<&str> {
        template
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .collect()
    }

    /// Every message of every part of the catalogue: its id and its two
    /// templates.
    fn every_message() -> Vec<(String, &'static str, &'static str)> {
        macro_rules! all {
            ($($enum:ty),*) => {{
                let mut all = Vec::new();
                $(all.extend(<$enum>::ALL.iter().map(|&m| {
                    (format!("{m:?}"), m.template(Lang::Zh), m.template(Lang::En))
                }));)*
                all
            }};
        }
        all!(Msg, ReportMsg, QueryMsg, BundleMsg, EditorMsg, NoteMsg)
    }

    #[test]
    fn both_languages_use_the_same_placeholders() {
        let all = every_message();
        assert!(all.len() > Msg::ALL.len());
        for (id, zh, en) in all {
            assert_eq!(placeholders(zh), placeholders(en), "{id}");
            assert_ne!(zh, en, "{id}");
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_kept() {
        let text = Msg::CannotRead.text(&[("path", &"a.kj"), ("error", &"denied")]);
        assert_eq!(text.zh, "无法读取 a.kj：denied");
        assert_eq!(text.en, "cannot read a.kj: denied");
        assert_eq!(fill("{x} {y}", &[("x", &1)]), "1 {y}");
        assert_eq!(fill("{", &[]), "{");
    }
}
