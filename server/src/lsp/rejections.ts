/**
 * Unhandled promise rejections in the server: each is logged (a bug must cost one answer, not the
 * server) and kept, the last few, for the serverInfo request, so that a test suite driving the
 * server through an editor (the VS Code suite) can fail on one as the other levels do.
 */
const kept: string[] = [];
let total = 0;
const KEEP = 20;

export function recordRejection(reason: unknown): string {
  const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
  total++;
  kept.push(text);
  if (kept.length > KEEP) kept.shift();
  return text;
}

/** How many there were since the server started, and the last few. */
export function rejections(): { count: number; last: string[] } {
  return { count: total, last: [...kept] };
}
