/**
 * bundler-cache-kept's fix removes the official ruby image's gem home caches
 * (/usr/local/bundle/cache, /usr/local/bundle/ruby/X/cache). When Bundler installs the bundle into
 * a path of its own, the archives are elsewhere: measured with Debian's Bundler 2.3.15 (GEM_HOME
 * and BUNDLE_APP_CONFIG set as the official image does, a gem installed with --local from
 * vendor/cache), `BUNDLE_DEPLOYMENT=1`, `--deployment`, `--path vendor/bundle` and
 * `bundle config set --local path vendor/bundle` all left the .gem in
 * ./vendor/bundle/ruby/3.1.0/cache and none in the gem home. The fix then removed nothing and
 * silenced the finding.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';

const ENV = { context: {} };
function found(text: string) {
  const analysis = analyze(text, ENV);
  return analysis.findings.filter((f) => f.ruleId === 'bundler-cache-kept').map((f) => ({ fix: fixFor(analysis, f, ENV) }));
}
const FROM = 'FROM ruby:3.3-slim\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\n';

describe('bundler-cache-kept: no gem-home fix when Bundler installs into a path of its own', () => {
  const elsewhere: [string, string][] = [
    ['BUNDLE_DEPLOYMENT in the environment', 'ENV BUNDLE_DEPLOYMENT=1\nRUN bundle install\n'],
    ['--deployment', 'RUN bundle install --deployment --without development test\n'],
    ['--path', 'RUN bundle install --path vendor/bundle\n'],
    ['--path=', 'RUN bundle install --path=vendor/bundle\n'],
    ['bundle config set path in the same RUN', "RUN bundle config set --local path 'vendor/bundle' && bundle install\n"],
    ['bundle config path in an earlier RUN', 'RUN bundle config path vendor/bundle\nRUN bundle install\n'],
    ['bundle config set deployment in an earlier RUN', "RUN bundle config set --local deployment 'true'\nRUN bundle install\n"],
  ];
  for (const [name, tail] of elsewhere) {
    it(`reported without the fix: ${name}`, () => {
      const [f, ...rest] = found(FROM + tail);
      assert.ok(f, 'still reported');
      assert.equal(rest.length, 0);
      assert.equal(f.fix, undefined, f.fix?.edits[0]?.newText);
    });
  }

  const home: [string, string][] = [
    ['a plain bundle install', 'RUN bundle install\n'],
    ['BUNDLE_PATH at the gem home with BUNDLE_DEPLOYMENT (Rails)', 'ENV BUNDLE_DEPLOYMENT=1 BUNDLE_PATH=/usr/local/bundle\nRUN bundle install\n'],
    ['BUNDLE_DEPLOYMENT=0', 'ENV BUNDLE_DEPLOYMENT=0\nRUN bundle install\n'],
    ['gem install after bundle config set path (gem ignores it)', 'RUN bundle config set path vendor/bundle && gem install bundler\n'],
    ['a path set in another stage', 'RUN true\nFROM ruby:3.3-slim AS other\nRUN bundle config set path vendor/bundle\nFROM ruby:3.3-slim\nRUN bundle install\n'],
  ];
  for (const [name, tail] of home) {
    it(`still fixed: ${name}`, () => {
      const [f] = found(FROM + tail);
      assert.match(f?.fix?.edits[0]?.newText ?? '', /rm -rf \/usr\/local\/bundle\/cache \/usr\/local\/bundle\/ruby\/\*\/cache/);
    });
  }
});

describe('bundler-cache-kept: the folder a deployment bundle is in, for a COPY --from that carries it', () => {
  // With BUNDLE_DEPLOYMENT (or --deployment, --path) the archives are in <app>/vendor/bundle, which
  // `COPY --from=build /app /app` carries into the final image: the builder's finding said "No
  // effect on the final image".
  const multi = (env: string, install: string, copy: string) =>
    `FROM ruby:3.3-slim AS build\n${env}WORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN ${install}\nCOPY . .\n\nFROM ruby:3.3-slim\nWORKDIR /app\n${copy}\nCMD ["bundle", "exec", "ruby", "app.rb"]\n`;
  const severity = (text: string) => analyze(text, ENV).findings.find((f) => f.ruleId === 'bundler-cache-kept')?.severity;
  it('BUNDLE_DEPLOYMENT, the app folder copied: a warning', () => assert.equal(severity(multi('ENV BUNDLE_DEPLOYMENT=1\n', 'bundle install', 'COPY --from=build /app /app')), 'warning'));
  it('--deployment, the app folder copied: a warning', () => assert.equal(severity(multi('', 'bundle install --deployment', 'COPY --from=build /app /app')), 'warning'));
  it('--path vendor/bundle, the bundle copied: a warning', () => assert.equal(severity(multi('', 'bundle install --path vendor/bundle', 'COPY --from=build /app/vendor/bundle /app/vendor/bundle')), 'warning'));
  it('BUNDLE_DEPLOYMENT, only the gem home copied: a hint', () => assert.equal(severity(multi('ENV BUNDLE_DEPLOYMENT=1\n', 'bundle install', 'COPY --from=build /usr/local/bundle /usr/local/bundle')), 'hint'));
  it('no deployment, the gem home copied: a warning (as before)', () => assert.equal(severity(multi('', 'bundle install', 'COPY --from=build /usr/local/bundle /usr/local/bundle')), 'warning'));
});
