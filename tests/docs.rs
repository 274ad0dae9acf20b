#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The documentation a user gets with the repository: the diagnostics
//! reference is generated from the code registry (and fails when the
//! committed file differs; `KOUJING_BLESS=1 cargo test --test docs`
//! rewrites it), no user-facing file points outside the repository, and
//! every shell command in the README runs as written (or is checked here).

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{copy_dir, root, text};

use koujing_checker::Code;

/// The diagnostics reference, from the registry.
fn diagnostics_reference() -> String {
    let mut out = String::from(
        "# Diagnostics reference / 诊断代码参考\n\n\
         Generated from the code registry (`checker/src/codes.rs` and\n\
         `checker/docs/codes/`); do not edit by hand. `koujing explain CODE`\n\
         prints one entry. Levels can be changed per workspace in\n\
         `koujing.toml` (`[lints] KJ2002 = \"error\"`; allow | info | warning | error).\n\
         由代码登记表生成,请勿手工修改。\n\n\
         | code | name | default | summary |\n|---|---|---|---|\n",
    );
    for code in Code::ALL {
        let info = code.info();
        out.push_str(&format!(
            "| [{c}](#{l}) | `{}` | {} | {} / {} |\n",
            info.name,
            info.severity.as_str(),
            info.summary_zh,
            info.summary_en,
            c = info.code,
            l = info.code.to_lowercase(),
        ));
    }
    for code in Code::ALL {
        let info = code.info();
        out.push_str(&format!(
            "\n## {}\n\n`{}` · default level: {}\n\nMessage / 消息: “{}” / “{}”\n\n",
            info.code,
            info.name,
            info.severity.as_str(),
            info.message_zh,
            info.message_en
        ));
        // The explanation's own title becomes a line under the heading.
        for line in info.explanation.lines() {
            match line.strip_prefix("# ") {
                Some(title) => out.push_str(&format!("**{title}**\n")),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out
}

#[test]
fn the_diagnostics_reference_is_generated_from_the_registry() {
    let path = root().join("docs/reference/diagnostics.md");
    let generated = diagnostics_reference();
    if std::env::var_os("KOUJING_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/reference/diagnostics.md differs from the registry; run KOUJING_BLESS=1 cargo test --test docs"
    );
}

/// Files a user reads: the README, docs/, code explanations, CI templates,
/// the pre-commit hook, the extension's README, and the message sources.
fn user_facing_files() -> Vec<PathBuf> {
    let mut files = vec![
        root().join("README.md"),
        root().join(".pre-commit-hooks.yaml"),
        root().join("lsp/vscode/README.md"),
        root().join("lsp/vscode/package.json"),
        root().join("checker/src/codes.rs"),
        root().join("examples/README.md"),
    ];
    for dir in ["docs", "checker/docs/codes", "examples/ci", "src"] {
        collect(&root().join(dir), &mut files);
    }
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| {
            ["md", "yml", "yaml", "rs", "txt", "json"].contains(&e.to_str().unwrap())
        }) {
            out.push(path);
        }
    }
}

#[test]
fn nothing_user_facing_points_outside_the_repository() {
    let outside = [
        "../shared",
        "shared/spec",
        "LANGUAGE.md",
        "DIAGNOSTICS.md",
        "BUNDLE.md",
        "HOUSE-STYLE",
    ];
    let mut found = Vec::new();
    for file in user_facing_files() {
        let body = std::fs::read_to_string(&file).unwrap();
        for (i, line) in body.lines().enumerate() {
            if outside.iter().any(|o| line.contains(o)) {
                found.push(format!("{}:{}: {line}", file.display(), i + 1));
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
    // No made-up addresses for users to trip over.
    for file in user_facing_files() {
        let body = std::fs::read_to_string(&file).unwrap();
        if file.ends_with("tests/docs.rs") {
            continue;
        }
        for placeholder in ["example.invalid", "koujing.example"] {
            assert!(
                !body.contains(placeholder),
                "{}: {placeholder}",
                file.display()
            );
        }
    }
    let sarif = Command::new(env!("CARGO_BIN_EXE_koujing"))
        .args(["check", "examples/conflicts", "--format", "sarif"])
        .current_dir(root())
        .output()
        .unwrap();
    let log: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let driver = &log["runs"][0]["tool"]["driver"];
    assert!(
        driver
            .get("informationUri")
            .is_none_or(|u| !u.as_str().unwrap().contains("example")),
        "{driver}"
    );
    // The README teaches what `discount P%` means, not one case of it.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for line in readme.lines().filter(|l| l.contains("benefit: discount")) {
        assert!(line.contains("(100 − P)%"), "{line}");
    }
    // What explain prints is checked too (it is what a user sees).
    for code in Code::ALL {
        let out = Command::new(env!("CARGO_BIN_EXE_koujing"))
            .args(["explain", code.as_str()])
            .output()
            .unwrap();
        let shown = text(&out);
        assert!(
            !outside.iter().any(|o| shown.contains(o)),
            "{code:?}: {shown}"
        );
        assert!(shown.contains("docs/reference/diagnostics.md"), "{shown}");
    }
}

#[test]
fn the_readme_links_the_references() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for link in [
        "docs/reference/language.md",
        "docs/reference/diagnostics.md",
    ] {
        assert!(readme.contains(link), "README should link {link}");
        assert!(root().join(link).is_file(), "{link}");
    }
    for section in ["## Install", "## Adopt it in CI"] {
        assert!(readme.contains(section), "README needs {section}");
    }
}

/// The commands of the README's ```sh blocks, comments removed.
fn readme_commands() -> Vec<String> {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut commands = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            in_sh = !in_sh && line.trim() == "```sh";
            continue;
        }
        if in_sh {
            let command = line.split(" #").next().unwrap().trim();
            if !command.is_empty() && !command.starts_with('#') {
                commands.push(command.to_string());
            }
        }
    }
    commands
}

#[test]
fn every_readme_command_runs_as_written() {
    let commands = readme_commands();
    assert!(commands.len() > 10, "{commands:?}");
    // The two start commands, exactly.
    let start: Vec<&String> = commands
        .iter()
        .filter(|c| c.starts_with("cargo run") || c.starts_with("bash scripts/test.sh"))
        .collect();
    assert_eq!(
        start,
        [
            "cargo run --release -- check policies",
            "bash scripts/test.sh"
        ]
    );
    // Run in a copy of the repository's workspaces, in README order.
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["policies", "examples"] {
        copy_dir(&root().join(dir), &tmp.path().join(dir));
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_koujing"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for command in &commands {
        let shell = if let Some(rest) = command.strip_prefix("cargo run --release -- ") {
            format!("koujing {rest}")
        } else if command.starts_with("koujing ") || command.starts_with("KOUJING") {
            command.clone()
        } else if let Some(script) = command.strip_prefix("bash ") {
            // Installers and the test runner itself: they must exist.
            assert!(root().join(script).is_file(), "{command}");
            continue;
        } else if command == "cargo install --locked --path ." {
            assert!(root().join("Cargo.lock").is_file());
            let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
            assert!(manifest.contains("name = \"koujing\""));
            continue;
        } else if let Some(vsix) = command.strip_prefix("code --install-extension ") {
            let script = std::fs::read_to_string(root().join("scripts/vscode.sh")).unwrap();
            let name = Path::new(vsix).file_name().unwrap().to_str().unwrap();
            assert!(script.contains(name), "scripts/vscode.sh builds {vsix}");
            continue;
        } else if let Some(package) = command.strip_prefix("cargo bench -p ") {
            assert!(
                root()
                    .join(package.trim_start_matches("koujing-"))
                    .join("Cargo.toml")
                    .is_file(),
                "{command}"
            );
            continue;
        } else {
            panic!("README command not covered by this test: {command}");
        };
        let out = Command::new("sh")
            .arg("-c")
            .arg(&shell)
            .current_dir(tmp.path())
            .env("PATH", &path)
            .env("LANG", "en_US.UTF-8")
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        // A README line that is meant to fail says so: `# exit 1`.
        let expected = if readme_line(command).contains("# exit 1") {
            1
        } else {
            0
        };
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{command}\n{}",
            text(&out)
        );
    }
}

/// The README line a command came from (with its comment).
fn readme_line(command: &str) -> String {
    std::fs::read_to_string(root().join("README.md"))
        .unwrap()
        .lines()
        .find(|l| l.trim().starts_with(command))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_language_reference_examples_are_valid_syntax() {
    let reference = std::fs::read_to_string(root().join("docs/reference/language.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in reference.lines() {
        match (&mut current, line.trim()) {
            (None, "```koujing") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            _ => {}
        }
    }
    assert!(blocks.len() >= 12, "{}", blocks.len());
    let tmp = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (i, block) in blocks.iter().enumerate() {
        // The item template and elided examples are not meant to parse.
        if block.contains('…') || block.contains("KEYWORD") {
            continue;
        }
        let dir = tmp.path().join(format!("block{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("example.kj"), block).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_koujing"))
            .args(["check", "--format", "json", "--lang", "en"])
            .arg(&dir)
            .output()
            .unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        // Names from other examples are missing here; the syntax and the
        // field names must be right.
        let wrong: Vec<String> = value["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| {
                ["KJ0001", "KJ0002", "KJ0003", "KJ1007"].contains(&d["code"].as_str().unwrap())
            })
            .map(|d| format!("{} {}", d["code"], d["message"]))
            .collect();
        assert!(wrong.is_empty(), "example {i}:\n{block}\n{wrong:#?}");
        checked += 1;
    }
    assert!(checked >= 10);
}
