/**
 * The YAML reader for our config file, `.hadolint.yaml` and Compose files: js-yaml with YAML 1.2's
 * core schema (`yes`, `on` and dates stay strings), plus merge keys (`<<: *defaults`, which Compose
 * files use to share settings). A tag it does not know keeps its node's plain content, so Compose's
 * `!reset` and `!override` read as the value they hold. Aliases are not copied (each is the same
 * object as its anchor), so a file of nested aliases costs no more than its text.
 *
 * The library is loaded on the first such file, not at start-up: most projects have none. Loading
 * it and the first parse take about 5-8 ms of CPU and 0.5 MB of heap (the yaml library it replaced:
 * 13-20 ms and 0.7 MB; five runs each, node 20, load average 8, 2026-12-03; docs/performance.md).
 */
import type * as JsYaml from 'js-yaml';

let schema: JsYaml.Schema | undefined;

/**
 * Parses a file that holds one YAML document (or none: empty or comments only gives null).
 * Throws on malformed text, with the line and column in the message (`duplicated mapping key
 * (2:1)`), and on a second document.
 */
export function parseYaml(text: string): unknown {
  const yaml = require('js-yaml') as typeof JsYaml;
  schema ??= yaml.CORE_SCHEMA.withTags(
    yaml.mergeTag,
    // Prefix '' matches every tag the schema does not name exactly.
    yaml.defineScalarTag('', { matchByTagPrefix: true, resolve: (source) => source, identify: () => false }),
    yaml.defineSequenceTag('', { ...yaml.seqTag, matchByTagPrefix: true }),
    yaml.defineMappingTag('', { ...yaml.mapTag, matchByTagPrefix: true }),
  );
  const docs = yaml.loadAll(text, { schema });
  if (docs.length > 1) throw new Error(`more than one YAML document (${docs.length}); the file must hold one`);
  return docs[0] ?? null;
}
