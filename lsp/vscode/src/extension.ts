// Koujing for VS Code: starts `koujing lsp` and connects it to .kj files.
import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace.getConfiguration("koujing").get<string>("path") || "koujing";
  const serverOptions: ServerOptions = { command, args: ["lsp"] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "koujing" }, { scheme: "untitled", language: "koujing" }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/*.kj") },
  };
  client = new LanguageClient("koujing", "Koujing 口径", serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
