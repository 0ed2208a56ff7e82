/**
 * Mocha root hook: any unhandled promise rejection during the run fails the test it happened in
 * (or the run, when it comes after the last test), instead of being printed and forgotten. That
 * covers the test process itself and, through `reportRejection`, the language servers the tests
 * start: the server logs its own unhandled rejections (server/src/server.ts) and the test client
 * passes them on (test/support/lspClient.ts). Uncaught exceptions already fail mocha's run.
 */
const seen: string[] = [];

function describeReason(reason: unknown): string {
  return reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
}

process.on('unhandledRejection', (reason) => {
  seen.push(describeReason(reason));
});

/** Records a rejection another process reported (`where` says which), so the current test fails. */
export function reportRejection(where: string, reason: unknown): void {
  seen.push(`${where}: ${describeReason(reason)}`);
}

function check(): void {
  if (seen.length > 0) throw new Error(`unhandled promise rejection(s) during this test:\n${seen.splice(0).join('\n')}`);
}

export const mochaHooks = {
  afterEach: check,
  afterAll: check,
};
