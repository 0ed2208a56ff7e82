/**
 * The .dockerignore that context-without-dockerignore creates for a Ruby (Bundler) context: the
 * host's Bundler folders (`.bundle`'s config may point BUNDLE_PATH at the host's vendor/bundle;
 * kept where an install reads it from a COPY .) and what Rails and byebug write, only when the
 * image runs `bundle install` itself. Nothing a
 * build or a Rails app needs: not `vendor/` (vendor/cache, vendor/javascript), not the `.keep`
 * files that keep log/ and tmp/pids/ in place.
 */
import * as assert from 'node:assert/strict';
import { checkDockerignore, createDockerignoreMatcher } from '../../../server/src/core/dockerignore';
import { analyze } from '../../../server/src/core/analyze';
import { buildModel } from '../../../server/src/core/model';
import { suggestedDockerignore } from '../../../server/src/rules/context-without-dockerignore';

const RAILS = 'FROM ruby:3.3-slim\nWORKDIR /rails\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\nCOPY . .\nCMD ["./bin/rails", "server"]\n';
const NAMES = ['Gemfile', 'Gemfile.lock', 'Rakefile', 'app', 'bin', 'config', 'config.ru', 'log', 'tmp', 'vendor'];
const created = (dockerfile: string) => suggestedDockerignore({ hasDockerignore: false, topLevelNames: NAMES }, buildModel(dockerfile));

describe('context-without-dockerignore: the Ruby section of the created file', () => {
  it('has the Bundler folders and what Rails and byebug write when the image runs bundle install, and keeps what the app needs', () => {
    const text = created(RAILS);
    assert.match(text, /^# Ruby\n\.bundle\nvendor\/bundle\nlog\/\*\.log\ntmp\/cache\n\.byebug_history$/m);
    const matcher = createDockerignoreMatcher(text);
    for (const path of ['vendor/bundle/ruby/3.3.0/gems/rack-3.1.8/lib/rack.rb', '.bundle/config', 'log/development.log', 'tmp/cache/bootsnap/load-path-cache', '.byebug_history']) assert.ok(matcher.isExcluded(path), path);
    for (const path of ['vendor/cache/rack-3.1.8.gem', 'vendor/javascript/app.js', 'log/.keep', 'tmp/pids/.keep', 'Gemfile.lock', 'bin/rails']) assert.ok(!matcher.isExcluded(path), path);
    const files = ['Gemfile', 'Gemfile.lock', 'bin/rails', '.bundle/config', 'vendor/bundle/ruby/3.3.0/x.rb', 'log/development.log', 'tmp/cache/x', '.byebug_history'];
    const warnings = checkDockerignore(text, { context: { files } }).filter((f) => f.severity === 'warning' || f.severity === 'error');
    assert.deepEqual(warnings.map((f) => `${f.ruleId}: ${f.message}`), []);
  });

  it('has no Ruby section when the image runs the host\'s gems (no bundle install)', () => {
    assert.doesNotMatch(created('FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nCMD ["bundle", "exec", "ruby", "app.rb"]\n'), /Ruby|bundle/);
  });

  // .bundle/config may hold a private gem source's credentials (BUNDLE_GEMS__EXAMPLE__COM) and
  // settings (BUNDLE_WITHOUT): an install that reads it from the copy must still find it.
  it('keeps .bundle where Bundler installs after a COPY . of its image, or the Dockerfile copies it by name', () => {
    for (const [dockerfile, kept] of [
      ['FROM ruby:3.3-slim\nWORKDIR /app\nCOPY . .\nRUN bundle install\nCMD ["ruby", "app.rb"]\n', true],
      ['FROM ruby:3.3-slim AS app\nWORKDIR /app\nCOPY . .\nRUN bundle config set --local without test && bundle\n', true],
      [RAILS.replace('COPY Gemfile Gemfile.lock ./', 'COPY Gemfile Gemfile.lock ./\nCOPY .bundle/config .bundle/config'), true],
      [RAILS, false],
    ] as const) {
      const text = created(dockerfile);
      assert.match(text, /^# Ruby\nvendor\/bundle|^# Ruby\n\.bundle\n/m, dockerfile);
      assert.equal(!/^\.bundle$/m.test(text), kept, `${dockerfile}\n${text}`);
    }
  });

  // Bundler 2.3.15: `bundle` alone and `bundle update` said "Bundle complete!" / "Bundle updated!"; `bundle --version` installs nothing.
  it('counts `bundle` alone and `bundle update` as the install, not `bundle --version`', () => {
    for (const [run, section] of [['bundle', true], ['bundle update', true], ['bundler install', true], ['bundle --version', false], ['bundle exec rake', false]] as const) {
      assert.equal(/^# Ruby$/m.test(created(RAILS.replace('RUN bundle install', `RUN ${run}`))), section, run);
    }
  });

  // Bundler 2.3.15 (helper-136): `bundle --jobs 4` runs install (an option first: the default
  // command), `bundle add <gem>` installs the bundle unless --skip-install.
  it('counts `bundle` with an option first and `bundle add` as the install, for the Ruby section and bundler-cache-kept', () => {
    for (const [run, section] of [['bundle --jobs 4', true], ['bundle --retry 3 --jobs=4', true], ['bundle add rack', true], ['bundle add rack --skip-install', false], ['bundle -v', false], ['bundle --help', false]] as const) {
      const text = RAILS.replace('RUN bundle install', `RUN ${run}`);
      assert.equal(/^# Ruby$/m.test(created(text)), section, run);
      assert.equal(analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'bundler-cache-kept').length, section ? 1 : 0, run);
    }
    const [found] = analyze(RAILS.replace('RUN bundle install', 'RUN bundle add rack'), { context: {} }).findings.filter((f) => f.ruleId === 'bundler-cache-kept');
    assert.match(found.message, /^bundle add leaves the \.gem archives/);
  });
});
