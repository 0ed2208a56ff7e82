/**
 * The two Docker Engine commands. The client only asks the user for an image name and forwards
 * it; the server reads the engine, maps the layers to lines and writes the report. The choice is
 * remembered per document (workspace state) and sent again when the document is opened.
 */
import { commands, ProgressLocation, ViewColumn, window, workspace, type Disposable, type ExtensionContext } from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

const SET_IMAGE = 'dockerfileSizeHints/engine/setImage';
const WASTED_SPACE = 'dockerfileSizeHints/engine/wastedSpace';
const STATE_KEY = 'dockerfileSizeHints.engineImages';

interface Answer {
  ok: boolean;
  message: string;
  report?: { markdown: string };
}

export function registerEngineCommands(context: ExtensionContext, client: LanguageClient): Disposable[] {
  const remembered = () => context.workspaceState.get<Record<string, string>>(STATE_KEY, {});
  const ask = async (uri: string): Promise<string | undefined> =>
    window.showInputBox({
      title: 'Image to read layer sizes from',
      prompt: 'An image tag or ID from the local Docker Engine; leave empty for the latest build of this Dockerfile.',
      value: remembered()[uri] ?? '',
      ignoreFocusOut: true,
    });
  const activeUri = () => window.activeTextEditor?.document.uri.toString();
  return [
    commands.registerCommand('dockerfileSizeHints.showLayerSizes', async () => {
      const uri = activeUri();
      if (!uri) return;
      const image = await ask(uri);
      if (image === undefined) return;
      const answer = await client.sendRequest<Answer>(SET_IMAGE, { uri, image });
      if (answer.ok) await context.workspaceState.update(STATE_KEY, { ...remembered(), [uri]: image });
      void (answer.ok ? window.showInformationMessage(answer.message) : window.showWarningMessage(answer.message));
    }),
    commands.registerCommand('dockerfileSizeHints.findWastedSpace', async () => {
      const uri = activeUri();
      if (!uri) return;
      const image = remembered()[uri] ?? (await ask(uri));
      if (image === undefined) return;
      const answer = await window.withProgress({ location: ProgressLocation.Notification, title: 'Reading the image layers...' }, () => client.sendRequest<Answer>(WASTED_SPACE, { uri, image }));
      if (!answer.ok || !answer.report) {
        void window.showWarningMessage(answer.message);
        return;
      }
      const doc = await workspace.openTextDocument({ language: 'markdown', content: answer.report.markdown });
      await window.showTextDocument(doc, { preview: true, viewColumn: ViewColumn.Beside });
    }),
    // Re-send remembered choices when their documents open, so the hints come back after a restart.
    workspace.onDidOpenTextDocument((doc) => {
      const image = remembered()[doc.uri.toString()];
      if (image !== undefined) void client.sendRequest(SET_IMAGE, { uri: doc.uri.toString(), image }).catch(() => undefined);
    }),
  ];
}
