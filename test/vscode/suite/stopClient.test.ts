/**
 * Stopping the language client as the extension's deactivate does (the window closes), with a
 * request in flight: a second client on the bundled server (dist/server.js), in this extension
 * host, stopped with stopClient. The request and the stop start in the same tick, which makes
 * the race seen at window close deterministic: with a bare `client.stop()` the request made just
 * before it fails with "Starting server failed" (the client logs that as a failed request), the
 * one made just after it is refused, and a stop during the start rejects. Without the macrotask
 * stopClient waits for, the request made just after the stop began fails the same way.
 */
import * as assert from 'assert';
import * as path from 'path';
import { ExecuteCommandRequest, LanguageClient, TransportKind, type DynamicFeature, type StaticFeature } from 'vscode-languageclient/node';
import { stopClient } from '../../../client/src/stopClient';
import { waitFor } from './helpers';

const serverModule = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'server.js');

/** A client beside the extension's own, without the feature that registers the server's commands (registered once already). */
class SecondClient extends LanguageClient {
  override registerFeature(feature: StaticFeature | DynamicFeature<unknown>): void {
    if ('registrationType' in feature && feature.registrationType.method === ExecuteCommandRequest.method) return;
    super.registerFeature(feature);
  }
}

function newClient(): LanguageClient {
  return new SecondClient('dockerfileSizeHintsStopTest', 'Dockerfile Size Hints (stop test)', { module: serverModule, transport: TransportKind.stdio }, { documentSelector: [{ language: 'dockerfile' }] });
}

/** Resolves once process `pid` has exited. */
function exited(pid: number): Promise<boolean> {
  return waitFor(`server process ${pid} to exit`, () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}

describe('stopping the language client', () => {
  const clients: LanguageClient[] = [];
  after(async () => {
    for (const client of clients) await client.dispose().catch(() => undefined);
  });

  /** A started client and its server's pid. */
  async function running(): Promise<{ client: LanguageClient; started: Promise<void>; pid: number }> {
    const client = newClient();
    clients.push(client);
    const started = client.start();
    await started;
    const { pid } = await client.sendRequest<{ pid: number }>('dockerfileSizeHints/serverInfo');
    return { client, started, pid };
  }

  it('answers a request made just before the stop of a running client, then ends the server', async () => {
    const { client, started, pid } = await running();
    const answer = client.sendRequest<{ pid: number }>('dockerfileSizeHints/serverInfo');
    const stopped = stopClient(client, started);
    assert.strictEqual((await answer).pid, pid);
    await stopped;
    await exited(pid);
  });

  it('answers a request made in the tick the stop of a running client began', async () => {
    const { client, started, pid } = await running();
    const stopped = stopClient(client, started);
    const answer = client.sendRequest<{ pid: number }>('dockerfileSizeHints/serverInfo');
    assert.strictEqual((await answer).pid, pid);
    await stopped;
    await exited(pid);
  });

  it('waits for a start in progress, answers the request made meanwhile, then ends the server', async () => {
    const client = newClient();
    clients.push(client);
    const started = client.start();
    const answer = client.sendRequest<{ pid: number }>('dockerfileSizeHints/serverInfo');
    await stopClient(client, started);
    await exited((await answer).pid);
  });
});
