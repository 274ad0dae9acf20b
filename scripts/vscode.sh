#!/usr/bin/env bash
# Build and package the VS Code extension from a clean clone: lsp/vscode/koujing.vsix.
set -euo pipefail
cd "$(dirname "$0")/../lsp/vscode"
command -v npm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
npm ci --no-audit --no-fund
npm run compile
npx vsce package --out koujing.vsix
# The package holds the client, the grammar and the language configuration.
python3 - <<'PY'
import zipfile
names = set(zipfile.ZipFile("koujing.vsix").namelist())
for needed in ["extension/out/extension.js", "extension/syntaxes/koujing.tmLanguage.json",
               "extension/language-configuration.json", "extension/package.json",
               "extension/node_modules/vscode-languageclient/package.json"]:
    assert needed in names, needed
print("koujing.vsix: ok")
PY
