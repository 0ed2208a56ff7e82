/**
 * Stopping the language client when the extension deactivates (the window closes or reloads)
 * without a race in vscode-languageclient that logged "Request textDocument/codeAction failed.
 * Error: Starting server failed" (and VS Code's "provider FAILED") at window close.
 *
 * The race: `sendRequest` checks that the client is running, then awaits `$start()`, which awaits
 * the (settled) start promise before taking the connection. Those awaits are microtasks; a
 * `stop()` that runs between them marks the client as stopping, and `$start()` then finds no
 * active connection and throws a plain `Error('Starting server failed')`, which the client's
 * `handleFailedRequest` does not take for "connection inactive" and logs as a failure. VS Code
 * calls `deactivate()` and, without waiting for it, disposes the extension's subscriptions (the
 * client was one), while the editor may still be asking for code actions and hovers: in a
 * scratch run that closed the window right after activation with such requests going, 7 of 10
 * closes logged the error (0 of 5 with this module). The other order, a stop while the client is
 * still starting, makes `stop()` reject ("Client is not running and can't be stopped").
 *
 * So the client stops only once its start settled (waiting at most `startWaitMs`), and only in a
 * macrotask of its own: every request that passed the running check by then has taken its
 * connection, and is answered, or rejected as "connection inactive", which the client handles
 * quietly. test/vscode/suite/stopClient.test.ts makes each order deterministic.
 */
import type { LanguageClient } from 'vscode-languageclient/node';
import { clientLibrary } from './clientLibrary';

/** How long a stop waits for a start that has not finished (a server that hangs at startup). */
export const START_WAIT_MS = 2_000;

const stops = new WeakMap<LanguageClient, Promise<void>>();

/**
 * Stops and disposes `client` once `started` (its start, errors handled) settled or `startWaitMs`
 * passed. Idempotent: `deactivate()` and the extension's subscriptions may both call it.
 */
export function stopClient(client: LanguageClient, started: Promise<unknown>, startWaitMs = START_WAIT_MS): Promise<void> {
  let stop = stops.get(client);
  if (!stop) {
    stop = settleThenStop(client, started, startWaitMs);
    stops.set(client, stop);
  }
  return stop;
}

async function settleThenStop(client: LanguageClient, started: Promise<unknown>, startWaitMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([started.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, startWaitMs)))]);
  clearTimeout(timer);
  // A macrotask: the requests whose `$start()` awaits are still queued take their connection first.
  await new Promise((resolve) => setImmediate(resolve));
  const { State } = clientLibrary();
  const state = client.state;
  // Still starting after the wait: the library refuses to stop a starting client (it rejects),
  // but its Node client ends the server process all the same.
  if (state === State.Starting) client.warn(`The language server had not started after ${startWaitMs} ms; ending it.`, undefined, false);
  await client.dispose().catch((e: unknown) => {
    if (state === State.Running) client.error('Stopping the language server failed.', e, false);
  });
}
