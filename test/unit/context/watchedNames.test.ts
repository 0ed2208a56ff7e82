/**
 * The file watchers watch every name the findings depend on: what the context scan reports (heavy
 * folders, likely secrets: a real scan of a real folder, and its findings' names matched against
 * WATCHED_NAMES by Docker's pattern matcher, not the scan's own) and what the server reads by
 * name. When a finding names a file that is not watched, deleting the file leaves the finding
 * until something else makes the server look again.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ignoreFileCandidates } from '../../../server/src/core/dockerignore';
import { ECOSYSTEMS } from '../../../server/src/core/dockerignore/ecosystems';
import { HADOLINT_CONFIG_NAMES, PROJECT_CONFIG_NAMES } from '../../../server/src/sources/config';
import { COMPOSE_FILE_NAMES } from '../../../server/src/sources/context/compose';
import { NPM_LOCKFILE_NAMES } from '../../../server/src/sources/context/facts';
import { NOTABLE_FOLDERS, SECRET_FILE_NAMES, type NamedSecretKind, type SecretKind } from '../../../server/src/sources/context/names';
import { scanBuildContext } from '../../../server/src/sources/context/scan';
import { WATCHED_NAMES } from '../../../server/src/watchedNames';
import { writeFiles } from '../../support/contextTree';
import { watches } from '../../support/watchGlob';

/** For each kind the scan reports, the folder its file must be in (if any) and a content that makes it a finding. A kind added to SecretKind without a sample here does not compile. */
const SAMPLES: Record<SecretKind, { folder?: string; content: string }> = {
  dotenv: { content: 'DB_PASSWORD=x\n' },
  'ssh-key': { content: 'k' },
  keystore: { content: 'k' },
  'private-key': { content: '-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----\n' },
  'terraform-state': { content: '{"version":4}\n' },
  'git-credentials': { content: 'https://me:token@example.com\n' },
  'aws-credentials': { folder: '.aws', content: '[default]\naws_access_key_id=x\n' },
  'npm-token': { content: '//registry.npmjs.org/:_authToken=npm_abc\n' },
  'pypi-password': { content: '[pypi]\nusername = me\npassword = x\n' },
  netrc: { content: 'machine example.com login me password x\n' },
  'docker-auth': { folder: '.docker', content: '{"auths":{"example.com":{"auth":"bWU6eA=="}}}\n' },
  'gcloud-service-account': { content: JSON.stringify({ type: 'service_account', project_id: 'p', private_key: '-----BEGIN PRIVATE KEY-----\n' + 'A'.repeat(1600) }) },
};

/** File names for each glob of SECRET_FILE_NAMES (`*` filled in), in upper case too where case does not matter, and a few seen in real projects. */
function sampleNames(): Array<{ kind: SecretKind; name: string }> {
  const out: Array<{ kind: SecretKind; name: string }> = [];
  for (const entry of SECRET_FILE_NAMES) {
    for (const glob of entry.names) {
      const name = glob.replaceAll('*', 'prod');
      out.push({ kind: entry.kind, name });
      if (entry.ignoreCase) out.push({ kind: entry.kind, name: name.toUpperCase() });
    }
  }
  const seen: Array<[NamedSecretKind, string]> = [['dotenv', '.env.production'], ['ssh-key', 'id_ed25519_github'], ['private-key', 'server.key'], ['terraform-state', 'terraform.tfstate'], ['npm-token', '.yarnrc.yml']];
  return [...out, ...seen.map(([kind, name]) => ({ kind, name })), { kind: 'gcloud-service-account', name: 'sa-key.json' }];
}

describe('watched names', () => {
  let root: string;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-watched-'));
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  it('is one brace list of names without folders, so that a watcher based on a folder watches its top level only', () => {
    assert.match(WATCHED_NAMES, /^\{[^{}/]+\}$/);
    assert.ok(!WATCHED_NAMES.includes('**'));
  });

  it('holds every secret and heavy folder a scan reports, except service-account keys (any JSON file)', async () => {
    const samples = sampleNames();
    const files: Record<string, string> = {};
    samples.forEach(({ kind, name }, i) => (files[path.posix.join(`s${i}`, SAMPLES[kind].folder ?? '', name)] = SAMPLES[kind].content));
    for (const folder of NOTABLE_FOLDERS.keys()) files[`heavy/${folder}/f`] = 'x';
    writeFiles(root, files);
    const result = await scanBuildContext(root, { topN: NOTABLE_FOLDERS.size });

    // Every sample is a finding, with its kind: the names are what the scan looks at.
    const reported = new Map(result.secrets.map((s) => [s.path, s.kind]));
    for (const [rel, kind] of samples.map(({ kind, name }, i) => [path.posix.join(`s${i}`, SAMPLES[kind].folder ?? '', name), kind])) assert.equal(reported.get(rel), kind, rel);
    assert.equal(reported.size, samples.length);
    assert.deepEqual(result.notable.map((n) => n.path).sort(), [...NOTABLE_FOLDERS.keys()].map((f) => `heavy/${f}`).sort());

    // Every finding's name is watched.
    const unwatched = [...result.secrets.map((s) => ({ path: s.path, kind: s.kind as string })), ...result.notable.map((n) => ({ path: n.path, kind: n.kind as string }))].filter((f) => !watches(WATCHED_NAMES, path.posix.basename(f.path)));
    assert.deepEqual(unwatched, [{ path: `s${samples.length - 1}/sa-key.json`, kind: 'gcloud-service-account' }]);
  });

  it('holds every name the server reads: ignore, config and Compose files, npm lockfiles, the project files that choose the new .dockerignore', () => {
    const read = [
      ...ignoreFileCandidates('/p/api.Dockerfile', '/p').map((c) => path.posix.basename(c.path)),
      ...PROJECT_CONFIG_NAMES,
      ...HADOLINT_CONFIG_NAMES,
      ...COMPOSE_FILE_NAMES,
      ...NPM_LOCKFILE_NAMES,
      ...ECOSYSTEMS.flatMap((e) => e.markers),
    ];
    assert.deepEqual(read.filter((name) => !watches(WATCHED_NAMES, name)), []);
  });

  it('does not watch names nothing depends on', () => {
    for (const name of ['index.js', 'README.md', 'id_rsa.pub', 'src', 'tsconfig.json']) assert.ok(!watches(WATCHED_NAMES, name), name);
  });
});
