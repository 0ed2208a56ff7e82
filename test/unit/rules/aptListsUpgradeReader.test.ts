/**
 * A later RUN that upgrades (`apt-get dist-upgrade`), or fetches sources or build dependencies,
 * reads the apt lists an earlier RUN left as much as an install does: with the lists removed where
 * they were written it would upgrade nothing, silently (checked: `apt-get upgrade -y` with empty
 * lists exits 0 and upgrades nothing), or fail. So no fix removes them before it.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';

const ENV = { context: {} };
const head = 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n';

describe('apt lists read by a later upgrade', () => {
  for (const later of ['apt-get -y dist-upgrade', 'apt-get upgrade -y', 'apt full-upgrade -y', 'apt-get build-dep -y hello']) {
    it(`apt-lists-kept keeps the lists for a later \`${later}\``, () => {
      const text = `${head}RUN ${later} && rm -rf /var/lib/apt/lists/*\n`;
      const f = analyze(text, ENV).findings.find((x) => x.ruleId === 'apt-lists-kept');
      assert.match(f!.message, /Line 3 installs from them without an `apt-get update` of its own/);
      assert.ok(!fixAll(text, ENV).text.includes('curl && rm'));
    });
  }

  it('files-changed-in-later-layer does not move the removal above a later upgrade', () => {
    const text = `${head}RUN apt-get upgrade -y\nRUN rm -rf /var/lib/apt/lists/*\n`;
    assert.ok(!fixAll(text, ENV).text.includes('curl && rm'));
  });
});
