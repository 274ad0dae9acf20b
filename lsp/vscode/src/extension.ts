// Koujing for VS Code: starts `koujing lsp` and connects it to .kj files.
// Commands: restart the server, show its output, explain a code. The binary
// is `koujing.path` (re-read when it changes); a missing binary gets a clear
// message with the install command.
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";
import { execFile } from "child_process";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;

const INSTALL = "cargo install --locked --path .";

function zh(): boolean {
  return vscode.env.language.toLowerCase().startsWith("zh");
}

function binary(): string {
  return vscode.workspace.getConfiguration("koujing").get<string>("path") || "koujing";
}

/** Does `command --version` run? */
function runs(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(command, ["--version"], (error) => resolve(!error));
  });
}

async function start(): Promise<void> {
  const command = binary();
  if (!(await runs(command))) {
    const message = zh()
      ? `找不到 koujing 程序(${command})。请在 Koujing 仓库根目录运行 \`${INSTALL}\` 安装,或在设置中指定 koujing.path。`
      : `The koujing binary was not found (${command}). Install it from the Koujing repository root with \`${INSTALL}\`, or set koujing.path in the settings.`;
    output.appendLine(message);
    const open = zh() ? "打开设置" : "Open Settings";
    const choice = await vscode.window.showErrorMessage(message, open);
    if (choice === open) {
      await vscode.commands.executeCommand("workbench.action.openSettings", "koujing.path");
    }
    return;
  }
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "koujing" },
      { scheme: "untitled", language: "koujing" },
    ],
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher("**/*.kj"),
        vscode.workspace.createFileSystemWatcher("**/koujing.toml"),
      ],
    },
    outputChannel: output,
  };
  client = new LanguageClient("koujing", "Koujing 口径", serverOptions, clientOptions);
  await client.start();
}

async function stop(): Promise<void> {
  if (client) {
    const old = client;
    client = undefined;
    await old.stop();
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function explain(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  let code: string | undefined;
  if (editor) {
    const at = editor.selection.active;
    const found = vscode.languages
      .getDiagnostics(editor.document.uri)
      .find((d) => d.range.contains(at) && typeof d.code === "string");
    code = found?.code as string | undefined;
    const word = editor.document.getWordRangeAtPosition(at, /KJ\d{4}/);
    if (!code && word) {
      code = editor.document.getText(word);
    }
  }
  code = await vscode.window.showInputBox({
    prompt: zh() ? "要解释的代码" : "Code to explain",
    value: code ?? "KJ",
  });
  if (!code || !client) {
    return;
  }
  const text = await client.sendRequest<string>("workspace/executeCommand", {
    command: "koujing.explain",
    arguments: [code],
  });
  const doc = await vscode.workspace.openTextDocument({ language: "markdown", content: text });
  await vscode.commands.executeCommand("markdown.showPreview", doc.uri);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("Koujing 口径");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("koujing.restartServer", restart),
    vscode.commands.registerCommand("koujing.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("koujing.explainCode", explain),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration("koujing.path")) {
        void restart();
      }
    }),
    { dispose: () => void stop() },
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}
