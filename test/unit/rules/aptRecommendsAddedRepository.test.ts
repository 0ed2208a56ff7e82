/**
 * apt-recommends after the image adds an apt repository (NodeSource's setup script piped to bash,
 * add-apt-repository, a sources.list entry): the packages may come from that repository, whose
 * recommendations Debian's index does not describe. NodeSource's nodejs 20.20.2-1nodesource1
 * recommends nothing (its control file: Depends libc6, libgcc1, libstdc++6, python3,
 * ca-certificates); Debian's nodejs recommends nodejs-doc (about 16 MB), which the message
 * claimed. Such an install gets the study's range instead of Debian's figure.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };
const message = (text: string) => analyze(text, ENV).findings.find((f) => f.ruleId === 'apt-recommends')!.message;
const HEAD = 'FROM debian:bookworm-slim\n';

describe('apt-recommends after the image adds a repository', () => {
  it('gives no Debian figure for an install after a piped setup script, in the same RUN or an earlier one', () => {
    for (const text of [
      `${HEAD}RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \\\n && curl -fsSL https://deb.nodesource.com/setup_20.x | bash - \\\n && apt-get install -y nodejs\n`,
      `${HEAD}RUN curl -fsSL https://deb.nodesource.com/setup_20.x | sudo -E bash -\nRUN apt-get install -y nodejs\n`,
      `${HEAD}RUN echo "deb https://example.com/apt stable main" > /etc/apt/sources.list.d/x.list\nRUN apt-get update && apt-get install -y nodejs\n`,
    ]) {
      assert.match(message(text), /^apt will also install recommended packages; recommended packages cost 1 MB to 71 MB/, text);
    }
  });

  it('keeps the figure when no repository is added', () => {
    assert.match(message(`${HEAD}RUN apt-get update && apt-get install -y nodejs\n`), / recommended packages?: about \d+ MB\./);
  });
});
