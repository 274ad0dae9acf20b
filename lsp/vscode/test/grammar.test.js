// The TextMate grammar, tokenised with vscode-textmate + vscode-oniguruma
// (what VS Code runs) on every .kj file of policies/ and examples/, and on
// lines with known pitfalls. Run by scripts/test.sh: `node test/grammar.test.js`.
"use strict";
const fs = require("fs");
const path = require("path");
const assert = require("assert");
const vsctm = require("vscode-textmate");
const onig = require("vscode-oniguruma");

const root = path.join(__dirname, "..", "..", "..");
const grammarPath = path.join(__dirname, "..", "syntaxes", "koujing.tmLanguage.json");

async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve("vscode-oniguruma")), "onig.wasm"));
  await onig.loadWASM(wasm.buffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new onig.OnigScanner(patterns),
      createOnigString: (s) => new onig.OnigString(s),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === "source.koujing"
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, "utf8"), grammarPath)
        : null,
  });
  return registry.loadGrammar("source.koujing");
}

/** Tokens of each line: { line, text, start, end, scopes }. */
function tokenise(grammar, source) {
  const out = [];
  let stack = vsctm.INITIAL;
  source.split("\n").forEach((line, i) => {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      out.push({ line: i, lineText: line, text: line.slice(t.startIndex, t.endIndex), start: t.startIndex, scopes: t.scopes });
    }
    stack = r.ruleStack;
  });
  return out;
}

const has = (t, scope) => t.scopes.some((s) => s.startsWith(scope));
const inText = (t) => has(t, "string") || has(t, "comment");
const isNameChar = (c) => c !== undefined && /[\p{L}\p{N}_-]/u.test(c);

function kjFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...kjFiles(full));
    else if (entry.name.endsWith(".kj")) out.push(full);
  }
  return out.sort();
}

let failures = 0;
function check(name, fn) {
  try {
    fn();
    console.log(`ok   ${name}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}\n     ${e.message}`);
  }
}

(async () => {
  const grammar = await loadGrammar();

  check("pitfall lines", () => {
    const scopesOf = (line, needle) => {
      const tokens = tokenise(grammar, line);
      const at = line.indexOf(needle);
      const t = tokens.find((t) => t.start <= at && at < t.start + t.text.length);
      assert(t, `no token at ${needle} in ${line}`);
      return t.scopes;
    };
    // Digits inside names are not numbers.
    for (const [line, needle] of [
      ["campaign 甲 { offer: 流量包10元 }", "10"],
      ["channel 热线10086 { type: electronic }", "10086"],
      ["  offer: 全球通188套餐", "188"],
    ]) {
      assert(!scopesOf(line, needle).some((s) => s.startsWith("constant.numeric")), `${line}: ${scopesOf(line, needle)}`);
    }
    // Real numbers still are.
    assert(scopesOf("  price: 10 元/月", "10").includes("constant.numeric.koujing"));
    assert(scopesOf("  window: 2026-12-01 .. 2026-12-31", "2026-12-01").includes("constant.numeric.date.koujing"));
    assert(scopesOf("  benefit: discount 50%", "50%").includes("constant.numeric.koujing"));
    // Item declarations only at the start of a line.
    assert(scopesOf("campaign 甲 {", "campaign").includes("keyword.declaration.koujing"));
    assert(scopesOf("campaign 甲 {", "甲").includes("entity.name.type.koujing"));
    for (const [line, needle] of [
      ["  regions: [临川区]", "regions"],
      ["  grading: 星级评定", "grading"],
      ["    product 神州行50元卡 => 15 元", "product"],
      ["    product 神州行50元卡 => 15 元", "神州行50元卡"],
    ]) {
      const scopes = scopesOf(line, needle);
      assert(!scopes.includes("keyword.declaration.koujing") && !scopes.includes("entity.name.type.koujing"), `${line}: ${scopes}`);
    }
    assert(scopesOf("  regions: [临川区]", "regions").includes("variable.other.property.koujing"));
    // `price:` is a key; `price 99 元` in a benefit is a keyword.
    assert(scopesOf("product 甲 { kind: data; price: 10 元/月 }", "price").includes("variable.other.property.koujing"));
    assert(scopesOf("  benefit: price 99 元", "price 99").includes("keyword.other.koujing"));
  });

  const files = [...kjFiles(path.join(root, "policies")), ...kjFiles(path.join(root, "examples"))];
  assert(files.length > 10, "fixtures found");
  let namesWithDigits = 0;
  check(`every fixture (${files.length} files)`, () => {
    for (const file of files) {
      const rel = path.relative(root, file);
      const tokens = tokenise(grammar, fs.readFileSync(file, "utf8"));
      for (const t of tokens) {
        if (inText(t)) continue;
        const where = `${rel}:${t.line + 1}:${t.start + 1} \`${t.text}\``;
        if (has(t, "constant.numeric")) {
          // A number never starts or ends inside a name.
          assert(!isNameChar(t.lineText[t.start - 1]), `${where} starts inside a name`);
          assert(!/[\p{L}_]/u.test(t.lineText[t.start + t.text.length] || ""), `${where} ends inside a name`);
        }
        if (has(t, "keyword.declaration") || has(t, "entity.name.type")) {
          assert(!/^\s/.test(t.lineText), `${where}: a declaration on an indented line`);
        }
        if (has(t, "keyword.other")) {
          assert(!/^\s*[:：]/.test(t.lineText.slice(t.start + t.text.length)), `${where}: a key scoped as a keyword`);
        }
        if (/\p{L}/u.test(t.text) && /\d/.test(t.text)) namesWithDigits++;
      }
    }
    assert(namesWithDigits > 0, "the fixtures have names with digits");
  });
  console.log(`${namesWithDigits} names with digits tokenised whole`);
  if (failures > 0) {
    console.log(`${failures} failed`);
    process.exit(1);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
