/**
 * bundler-cache-kept on `gem install bundler` said the archives' size 'depends on the Gemfile',
 * which gem install does not read: its archives are those of the gems it installs.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

describe('bundler-cache-kept: the basis of gem install and bundle install', () => {
  it('names the installed gems for gem install and the Gemfile for bundle install', () => {
    const of = (runs: string) => analyze(`FROM ruby:3.3-slim\nCOPY Gemfile Gemfile.lock ./\n${runs}\n`, { context: {} }).findings.filter((f) => f.ruleId === 'bundler-cache-kept');
    const found = of('RUN gem install bundler\nRUN bundle install');
    assert.equal(found.length, 2);
    const [gem, bundle] = found;
    assert.match(gem.message, /^gem install leaves the \.gem archives in this layer: the \.gem archive of each gem it installed/);
    assert.doesNotMatch(gem.message, /Gemfile/);
    assert.doesNotMatch(gem.saving!.basis, /Gemfile/);
    assert.match(bundle.message, /depends on the Gemfile/);
    // In one RUN, one finding (one cleanup after both): the bundle's archives are every installed gem's.
    const [both] = of('RUN gem install bundler && bundle install');
    assert.match(both.message, /^gem install and bundle install leave the \.gem archives in this layer: the \.gem archive of every installed gem: .*depends on the Gemfile/);
  });
});
