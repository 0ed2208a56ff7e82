/**
 * The official composer image sets COMPOSER_HOME=/tmp in its own ENV (its Docker Hub page mounts
 * the host's Composer home on /tmp to keep the cache), so Composer caches in /tmp/cache there. A
 * cache mount on /tmp/cache in a `FROM composer:2` stage keeps the cache out of the layer.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const count = (text: string) => analyze(text, { context: {} }).findings.filter((f) => f.ruleId === 'composer-cache-kept').length;
const install = (from: string, mount: string) => `# syntax=docker/dockerfile:1\nFROM ${from}\nWORKDIR /app\nRUN --mount=type=cache,target=${mount} composer install --no-dev --prefer-dist\n`;

describe('composer-cache-kept on the official composer image', () => {
  it('takes a cache mount on /tmp/cache, where that image caches', () => {
    assert.equal(count(install('composer:2', '/tmp/cache')), 0);
    assert.equal(count(install('docker.io/library/composer:2.8', '/tmp/cache')), 0);
    assert.equal(count(`FROM composer:2 AS base\nFROM base\n${install('base', '/tmp/cache').split('\n').slice(2).join('\n')}`), 0);
  });
  it('still reports /tmp/cache on other images, and a mount elsewhere on composer', () => {
    assert.equal(count(install('php:8.3-cli', '/tmp/cache')), 1);
    assert.equal(count(install('composer:2', '/var/cache/composer')), 1);
  });
});
