/**
 * LSP work-done progress for a context scan that takes a while (VS Code shows it in the status
 * bar). The reporter is created lazily by `ContextScans` once a scan has run for a moment, so
 * quick scans show nothing.
 */
import * as path from 'node:path';
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { ScanProgressSink } from '../sources/context/scans';
import { formatBytes, formatCount } from '../sizes/format';

export function scanProgress(connection: Connection, dir: string): ScanProgressSink {
  let reporter: WorkDoneProgressServerReporter | undefined;
  let finished = false;
  const name = path.basename(dir) || dir;
  void connection.window.createWorkDoneProgress().then(
    (r) => {
      if (finished) return r.done();
      reporter = r;
      r.begin(`Measuring the build context ${name}`, undefined, 'starting', false);
    },
    () => undefined,
  );
  return {
    report(p) {
      reporter?.report(`${formatCount(p.entries)} entries, ${formatBytes(p.includedBytes)} sent so far`);
    },
    done() {
      finished = true;
      reporter?.done();
    },
  };
}
