/**
 * Commands a RUN runs as another user: `gosu app npm ci`, `runuser -u app -- npm ci`, `su app -c
 * '...'`. Before, `gosu` and `runuser` were the programs (the npm ci under them went unseen), a
 * `su -c` script was hidden, and the caches they fill were taken for root's. The homes follow gosu
 * 1.14 and util-linux 2.38's su and runuser, run as root on Debian bookworm: each sets HOME to the
 * user's, but with -m / -p.
 */
import * as assert from 'node:assert/strict';
import { analyze, fixFor } from '../../../server/src/core/analyze';
import { fixAll } from '../../../server/src/core/edits';
import { buildModel } from '../../../server/src/core/model';
import { homeOf } from '../../../server/src/core/packageManagers';
import { commandCwd } from '../../../server/src/core/paths';
import { programName } from '../../../server/src/core/shell';
import { assertLinear } from '../../support/ruleTiming';

const ENV = { context: {} };

/** The home and working folder of the last RUN's `npm` command, and the programs that RUN runs. */
function npmIn(text: string): { home: string | undefined; cwd: string | undefined; programs: string[] } {
  const runs = buildModel(text).instructions.filter((i) => i.run);
  const last = runs[runs.length - 1];
  const cmd = last.run!.commands.find((c) => programName(c) === 'npm');
  assert.ok(cmd, `no npm in ${text}`);
  return { home: homeOf(last, cmd), cwd: commandCwd(last, cmd), programs: last.run!.commands.map(programName) };
}

describe('commands run as another user (gosu, runuser, su)', () => {
  it('reads the program after gosu and runuser -u, and a su -c script in place', () => {
    for (const run of ['gosu node npm ci', 'gosu node:node npm ci', 'runuser -u node -- npm ci', 'runuser -u node npm ci', "su node -c 'npm ci'", "su -c 'npm ci' node", 'su - node -c "npm ci"', "runuser -l node -c 'npm ci'"]) {
      assert.deepEqual(npmIn(`FROM node:22\nRUN ${run}\n`).programs, ['npm'], run);
    }
    // sudo (-u, with its options before the program), su-exec, HOME assigned in front of su, and a
    // shell's options around -c (sh -c -e '...': the script is the first word that is no option).
    for (const run of ['sudo -u node npm ci', 'sudo -u node -H npm ci', 'sudo -E npm ci', 'sudo -uapp -- npm ci', 'sudo --user=app -D /tmp npm ci', 'su-exec node npm ci', "HOME=/x su node -c 'npm ci'", "bash -O extglob -c 'npm ci'", "bash +O extglob -c 'npm ci'", "sh -c -e 'npm ci'", "sh -e -c 'npm ci'", "bash -eo pipefail -c 'npm ci'", "bash --norc -c 'npm ci'", "bash --rcfile /dev/null -c 'npm ci'", "sh -c -- 'npm ci'", "sudo -u node sh -c 'npm ci'", '["gosu", "node", "npm", "ci"]', '["sudo", "-u", "node", "npm", "ci"]', '["sh", "-c", "-e", "npm ci"]']) {
      assert.deepEqual(npmIn(`FROM node:22\nRUN ${run}\n`).programs, ['npm'], run);
    }
    // Other assignments in front would reach the script's commands, read without them; with -m, HOME does.
    for (const run of ["FOO=1 su node -c 'npm ci'", "HOME=/x su -m node -c 'npm ci'", "HOME=/x sudo -E sh -c 'npm ci'"]) assert.equal(buildModel(`FROM node:22\nRUN ${run}\n`).instructions[1].run!.commands.length, 1, run);
    // Words after the user are the shell's $0 and arguments: not read in place.
    assert.deepEqual(npmIn("FROM node:22\nRUN su node -c 'npm ci' && su node -c 'npm ci' x y\n").programs, ['npm', 'su']);
  });

  it('gives the home of the user switched to, and the caller\'s with -m / -p', () => {
    const cases: [string, string | undefined][] = [
      ['FROM node:22\nRUN gosu node npm ci', '/home/node'],
      ['FROM node:22\nRUN gosu 1000 npm ci', '/home/node'],
      ['FROM node:22\nUSER node\nRUN gosu root npm ci', '/root'],
      ['FROM node:22\nENV HOME=/srv\nRUN gosu node npm ci', '/home/node'],
      // An assignment in front does not survive the switch either; one after it does.
      ['FROM node:22\nRUN HOME=/x gosu node npm ci', '/home/node'],
      ['FROM node:22\nRUN env HOME=/x runuser -u node -- npm ci', '/home/node'],
      ['FROM node:22\nRUN gosu node env HOME=/x npm ci', '/x'],
      ['FROM node:22\nRUN useradd -m -d /build b\nRUN gosu b npm ci', '/build'],
      ['FROM node:22\nRUN useradd -m -d /build b && gosu b npm ci', '/build'],
      ['FROM node:22\nRUN gosu b npm ci && useradd -m -d /build b', undefined],
      ['FROM node:22\nRUN gosu app npm ci', undefined],
      ['FROM node:22\nRUN runuser -u node -- npm ci', '/home/node'],
      ['FROM node:22\nRUN runuser -m -u node -- npm ci', '/root'],
      ["FROM node:22\nRUN su node -c 'npm ci'", '/home/node'],
      ["FROM node:22\nRUN su -c 'npm ci' node", '/home/node'],
      ["FROM node:22\nRUN su -c 'npm ci'", '/root'],
      ["FROM node:22\nRUN su -p node -c 'npm ci'", '/root'],
      ["FROM node:22\nRUN su -s /bin/sh -c 'npm ci' node", '/home/node'],
      ['FROM node:22\nRUN echo x && su node -c "cd /app && npm ci"', '/home/node'],
      // sudo 1.9.13 with Debian's sudoers, run as root: the user's HOME, the caller's with -E or
      // --preserve-env (or a list of it naming HOME), unless -H; one assigned after it wins.
      ['FROM node:22\nRUN sudo -u node npm ci', '/home/node'],
      ['FROM node:22\nRUN sudo -H -u node npm ci', '/home/node'],
      ['FROM node:22\nRUN sudo -u#1000 npm ci', '/home/node'],
      ['FROM node:22\nRUN HOME=/x sudo -u node npm ci', '/home/node'],
      ['FROM node:22\nRUN sudo npm ci', '/root'],
      ['FROM node:22\nUSER node\nRUN sudo npm ci', '/root'],
      ['FROM node:22\nRUN sudo -E -u node npm ci', '/root'],
      ['FROM node:22\nRUN HOME=/x sudo -E -u node npm ci', '/x'],
      ['FROM node:22\nRUN sudo --preserve-env -u node npm ci', '/root'],
      ['FROM node:22\nRUN sudo --preserve-env=PATH -u node npm ci', '/home/node'],
      ['FROM node:22\nRUN sudo --preserve-env=PATH,HOME -u node npm ci', '/root'],
      ['FROM node:22\nRUN sudo -EH -u node npm ci', '/home/node'],
      ['FROM node:22\nRUN sudo -u node HOME=/y npm ci', '/y'],
      ['FROM node:22\nRUN sudo -u node sh -c "npm ci"', '/home/node'],
      ['FROM node:22\nRUN su-exec node npm ci', '/home/node'],
      ['FROM node:22\nRUN ["su-exec", "node:node", "npm", "ci"]', '/home/node'],
      ["FROM node:22\nRUN HOME=/x su node -c 'npm ci'", '/home/node'],
    ];
    for (const [text, home] of cases) assert.equal(npmIn(text).home, home, text);
  });

  it('works out the users a RUN creates once, not up to each command run as another user', function () {
    this.timeout(120_000);
    const homes = (model: ReturnType<typeof buildModel>) => {
      const instr = model.instructions[1];
      for (const cmd of instr.run!.commands) homeOf(instr, cmd);
    };
    assertLinear('homes under gosu', (n) => `FROM node:22\nRUN useradd -m app && ${'gosu app npm ci && '.repeat(5 * n)}true\n`, buildModel, homes);
  });

  it('starts a login script in the user\'s home: no WORKDIR there', () => {
    assert.equal(npmIn("FROM node:22\nWORKDIR /app\nRUN su node -c 'npm ci'").cwd, '/app');
    assert.equal(npmIn("FROM node:22\nWORKDIR /app\nRUN su - node -c 'npm ci'").cwd, undefined);
    assert.equal(npmIn("FROM node:22\nWORKDIR /app\nRUN runuser -l node -c 'npm ci'").cwd, undefined);
    assert.equal(npmIn('FROM node:22\nWORKDIR /app\nRUN sudo -u node npm ci').cwd, '/app');
    assert.equal(npmIn('FROM node:22\nWORKDIR /app\nRUN sudo -i -u node npm ci').cwd, undefined);
  });

  it('reports the cache that user keeps, without a fix that would empty root\'s instead', () => {
    const image = (run: string) => `FROM node:22\nWORKDIR /app\nCOPY . .\nRUN ${run}\nCMD ["node", "index.js"]\n`;
    const cache = (run: string) => {
      const analysis = analyze(image(run), ENV);
      return analysis.findings.filter((f) => f.ruleId === 'npm-cache-kept').map((f) => fixFor(analysis, f, ENV)?.title ?? 'no fix');
    };
    for (const run of ['gosu node npm ci', 'gosu node npm ci && rm -rf /root/.npm', "su node -c 'npm ci'", 'runuser -u node -- npm ci']) assert.deepEqual(cache(run), ['no fix'], run);
    // A cleaning command run with another home empties that home's cache, not this one.
    for (const run of ["su node -c 'npm ci' && npm cache clean --force", 'gosu node npm ci && npm cache clean --force']) assert.deepEqual(cache(run), ['no fix'], run);
    assert.equal(cache('npm ci && gosu node npm cache clean --force')[0], 'Clean up in the same RUN (npm cache clean --force)');
    for (const run of ["su node -c 'npm ci && npm cache clean --force'", 'gosu node npm ci && gosu 1000 npm cache clean --force']) assert.deepEqual(cache(run), [], run);
    for (const run of ['gosu node npm ci && rm -rf /home/node/.npm', "su node -c 'npm ci && rm -rf ~/.npm'", "su node -c 'npm ci' && rm -rf /home/node/.npm", 'runuser -m -u node -- npm ci && rm -rf /root/.npm']) assert.deepEqual(cache(run), [], run);
    // Run as root, as before: the fix.
    assert.equal(cache('npm ci')[0], 'Clean up in the same RUN (npm cache clean --force)');
    // A switch to root in a RUN of root with no HOME set: the cache is in /root, where the appended
    // clean runs too (sudo 1.9.13 as root: HOME=/root; gosu root, su -c the same).
    for (const run of ['sudo npm ci', 'sudo -u root npm ci', 'sudo -E npm ci', 'gosu root npm ci', "su -c 'npm ci'"]) assert.deepEqual(cache(run), ['Clean up in the same RUN (npm cache clean --force)'], run);
    // Another home on either side: none (sudo sets /root over the ENV's /srv; HOME=/y after sudo).
    for (const run of ['sudo -u node npm ci', 'sudo HOME=/y npm ci', 'HOME=/x sudo npm ci']) assert.deepEqual(cache(run), ['no fix'], run);
    const withHome = (text: string) => {
      const analysis = analyze(text, ENV);
      return analysis.findings.filter((f) => f.ruleId === 'npm-cache-kept').map((f) => fixFor(analysis, f, ENV)?.title ?? 'no fix');
    };
    assert.deepEqual(withHome('FROM node:22\nENV HOME=/srv\nWORKDIR /app\nCOPY . .\nRUN sudo npm ci\n'), ['no fix']);
    assert.deepEqual(withHome('FROM node:22\nUSER node\nWORKDIR /app\nCOPY . .\nRUN sudo npm ci\n'), ['no fix']);
  });

  it('appends no repair to a RUN of another user than root that switches (USER app, then sudo apt-get)', () => {
    const fixed = (text: string) => fixAll(text, ENV, {}, { includeUnpreferred: true }).text;
    // As vscode, rm -rf /var/lib/apt/lists/* after sudo apt-get fails (Permission denied): the build would break.
    const asUser = 'FROM debian:bookworm\nRUN useradd -m vscode\nUSER vscode\nRUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl\n';
    assert.deepEqual(analyze(asUser, ENV).findings.map((f) => f.ruleId), ['apt-lists-kept']);
    assert.equal(fixed(asUser), asUser);
    // The advice names what works there (checked as a user of NOPASSWD sudo: rm -rf of a root-owned
    // folder's files rc=1, Permission denied; sudo rm -rf rc=0).
    const advice = (text: string) => analyze(text, ENV).findings.find((f) => f.ruleId === 'apt-lists-kept')!.message.replace(/^.*?\. /, '');
    assert.equal(advice(asUser), 'Add `sudo rm -rf /var/lib/apt/lists/*` to the same RUN: it runs as another user than root, who may not remove them.');
    assert.equal(advice(asUser.replace('RUN sudo', "RUN su -c 'apt-get update' && sudo")), 'Remove them in the same RUN as root, as the update runs: `rm -rf /var/lib/apt/lists/*` run as this RUN\'s user (not root) may not remove them.');
    assert.equal(advice(asUser.replace('USER vscode', 'USER root')), 'Add `rm -rf /var/lib/apt/lists/*` to the same RUN.');
    // The same cleanup when a later RUN installs from the lists, and in apt-clean-keeps-lists's advice.
    assert.equal(advice(`${asUser}RUN sudo apt-get install -y --no-install-recommends git\n`), 'Line 5 installs from them without an `apt-get update` of its own: give it one, then add `sudo rm -rf /var/lib/apt/lists/*` to this RUN.');
    const clean = analyze(asUser.replace('curl\n', 'curl && sudo apt-get clean\n'), ENV).findings.filter((f) => f.ruleId === 'apt-clean-keeps-lists');
    assert.ok(clean.length > 0 && clean.every((f) => f.message.endsWith('Add `sudo rm -rf /var/lib/apt/lists/*`.')), clean.map((f) => f.message).join('\n'));
    // As root, sudo is root too: the lists are removed after the shell, as after su's (1fb972d).
    const asRoot = "FROM debian:bookworm\nRUN sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends curl'\n";
    assert.equal(fixed(asRoot), "FROM debian:bookworm\nRUN sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends curl' && rm -rf /var/lib/apt/lists/*\n");
  });

  it('reads exec-form RUNs that switch users or hand a script to -c, and fixes them inside the string or not at all', () => {
    const fixed = (text: string) => fixAll(text, ENV, {}, { includeUnpreferred: true }).text;
    const gosu = 'FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN ["gosu", "node", "npm", "ci"]\nCMD ["node", "index.js"]\n';
    assert.ok(analyze(gosu, ENV).findings.some((f) => f.ruleId === 'npm-cache-kept'));
    assert.equal(fixed(gosu), gosu);
    const script = 'FROM debian:bookworm\nRUN ["sh", "-c", "-e", "apt-get update && apt-get install -y --no-install-recommends curl"]\n';
    assert.equal(fixed(script), 'FROM debian:bookworm\nRUN ["sh", "-c", "-e", "apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*"]\n');
  });
});
