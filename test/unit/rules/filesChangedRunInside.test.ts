/**
 * files-changed-in-later-layer after a RUN that ran in the folder a recursive change covers
 * (`RUN composer install` in /var/www/html, then `chown -R www-data /var/www/html`): what that RUN
 * wrote (vendor/, node_modules) is no tracked write, so the copies' figure is a floor ("at least"),
 * and the image estimate does not count the layer as sized.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import type { AnalysisEnvironment } from '../../../server/src/core/environment';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';

const scan = { complete: true, files: 3, bytes: 615, topLevel: [{ path: 'composer.json', bytes: 600, files: 1 }, { path: 'index.php', bytes: 15, files: 1 }], heavy: [], secrets: [] };
const ENV = { context: { hasDockerignore: true, scan } } as unknown as AnalysisEnvironment;
const finding = (text: string) => analyze(text, ENV).findings.find((f) => f.ruleId === 'files-changed-in-later-layer')!;
const chownLayer = (text: string) => estimateImage(buildModel(text), ENV)!.layers.at(-1)!;

describe('files-changed-in-later-layer: a RUN in the changed folder makes the figure a floor', () => {
  const head = 'FROM php:8.2-fpm\nWORKDIR /var/www/html\nCOPY . .\n';

  it('says "at least" after a RUN whose WORKDIR the recursive change covers', () => {
    const text = `${head}RUN composer install --no-dev\nRUN chown -R www-data:www-data /var/www/html\n`;
    const f = finding(text);
    assert.match(f.message, /stored twice \(at least about 615 B\)/);
    assert.equal(f.saving?.bytes, 615);
    assert.match(f.saving!.basis, /^at least /);
    assert.equal(chownLayer(text).bytes, undefined);
  });

  it('keeps "about" when no RUN ran there, or the change is not recursive', () => {
    const plain = `${head}RUN chown -R www-data:www-data /var/www/html\n`;
    assert.match(finding(plain).message, /stored twice \(about 615 B\)/);
    assert.equal(chownLayer(plain).bytes, 615);
    assert.match(finding(`FROM php:8.2-fpm\nWORKDIR /tmp\nRUN true\nWORKDIR /var/www/html\nCOPY . .\nRUN chown -R www-data /var/www/html\n`).message, /\(about 615 B\)/);
    assert.match(finding(`${head}RUN composer install\nRUN chmod 644 /var/www/html/index.php\n`).message, /^(?!.*at least)/);
  });
});
