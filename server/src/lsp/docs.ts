/**
 * Where a rule's documentation lives. The extension ships docs/rules/<id>.md beside dist/, so the
 * link opens offline inside VS Code; the lookup walks up from this module so it also works from
 * the unbundled build in out/.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

function findDocsDir(): string {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'docs', 'rules');
    if (existsSync(candidate)) return candidate;
  }
  return path.resolve(__dirname, '..', 'docs', 'rules');
}

const DOCS_DIR = findDocsDir();

/** Page links by rule id: every published diagnostic carries one, and building a file URL costs. */
const uris = new Map<string, string>();

export function ruleDocUri(ruleId: string): string {
  let uri = uris.get(ruleId);
  if (uri === undefined) {
    // The diagnostics in .dockerignore files share one page.
    uri = ruleId.startsWith('dockerignore-') ? pathToFileURL(path.join(DOCS_DIR, '..', 'dockerignore.md')).toString() + '#diagnostics-in-dockerignore-files' : pathToFileURL(path.join(DOCS_DIR, `${ruleId}.md`)).toString();
    uris.set(ruleId, uri);
  }
  return uri;
}
