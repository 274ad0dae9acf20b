#!/usr/bin/env bash
# Build and package the VS Code extension from a clean clone: lsp/vscode/koujing.vsix.
set -euo pipefail
cd "$(dirname "$0")/../lsp/vscode"
command -v npm >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
npm ci --no-audit --no-fund
npm run compile          # type-check, then bundle with esbuild into out/extension.js
npm test                 # the TextMate grammar on every fixture
# No public repository address exists yet; none is invented.
npx vsce package --no-dependencies --allow-missing-repository --out koujing.vsix
# The package holds the bundled client, the grammar, the language
# configuration and the licence, and no node_modules.
python3 - <<'PY'
import zipfile
names = set(zipfile.ZipFile("koujing.vsix").namelist())
for needed in ["extension/out/extension.js", "extension/syntaxes/koujing.tmLanguage.json",
               "extension/language-configuration.json", "extension/package.json",
               "extension/LICENSE.txt"]:
    assert needed in names, needed
assert not any(n.startswith("extension/node_modules/") for n in names), "node_modules packaged"
assert len(names) < 20, sorted(names)
print("koujing.vsix: ok")
PY
