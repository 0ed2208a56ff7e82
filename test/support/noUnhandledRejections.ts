/**
 * Mocha root hook: any unhandled promise rejection or uncaught exception during the run fails
 * the suite, instead of being printed and forgotten.
 */
const seen: unknown[] = [];

process.on('unhandledRejection', (reason) => {
  seen.push(reason);
});

export const mochaHooks = {
  afterEach(this: Mocha.Context) {
    if (seen.length > 0) {
      const reasons = seen.splice(0).map((r) => (r instanceof Error ? r.stack : String(r)));
      throw new Error(`unhandled promise rejection(s) during this test:\n${reasons.join('\n')}`);
    }
  },
};
