import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { composeBuildTargets, composeTargetsFor } from '../../../server/src/sources/context/compose';

const W = path.resolve('/w');

describe('compose: build contexts', () => {
  const file = {
    path: path.join(W, 'compose.yaml'),
    text: [
      'services:',
      '  api:',
      '    build: ./api',
      '  web:',
      '    build:',
      '      context: web',
      '      dockerfile: docker/prod.Dockerfile',
      '  worker:',
      '    build:',
      '      dockerfile: worker.Dockerfile',
      '  remote:',
      '    build: https://github.com/example/repo.git#main',
      '  vars:',
      '    build:',
      '      context: ${CTX:-./tools}',
      '  unknown:',
      '    build: ${SOMEWHERE}',
      '  inline:',
      '    build:',
      '      dockerfile_inline: FROM scratch',
      '  image-only:',
      '    image: redis',
      '',
    ].join('\n'),
  };

  it('reads string and mapping forms, skipping remote and unresolved contexts', () => {
    const { targets, errors } = composeBuildTargets(file);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      targets.map((t) => [t.service, t.contextDir, t.dockerfile]),
      [
        ['api', path.join(W, 'api'), path.join(W, 'api/Dockerfile')],
        ['web', path.join(W, 'web'), path.join(W, 'web/docker/prod.Dockerfile')],
        ['worker', W, path.join(W, 'worker.Dockerfile')],
        ['vars', path.join(W, 'tools'), path.join(W, 'tools/Dockerfile')],
      ],
    );
  });

  it('finds the services that build a given Dockerfile', () => {
    assert.deepEqual(
      composeTargetsFor(path.join(W, 'web/docker/prod.Dockerfile'), [file]).map((t) => [t.service, t.contextDir]),
      [['web', path.join(W, 'web')]],
    );
    assert.deepEqual(composeTargetsFor(path.join(W, 'Dockerfile'), [file]), []);
  });

  it('follows YAML merge keys', () => {
    const text = 'x-build: &b\n  build:\n    context: svc\n    dockerfile: Dockerfile.dev\nservices:\n  one:\n    <<: *b\n';
    assert.deepEqual(
      composeBuildTargets({ path: path.join(W, 'compose.yml'), text }).targets.map((t) => [t.service, t.dockerfile]),
      [['one', path.join(W, 'svc/Dockerfile.dev')]],
    );
  });

  it("reads a build under Compose's !override tag", () => {
    const text = 'services:\n  api:\n    build: !override\n      context: api\n    ports: !reset []\n';
    assert.deepEqual(composeBuildTargets({ path: path.join(W, 'compose.yaml'), text }).targets.map((t) => t.contextDir), [path.join(W, 'api')]);
  });

  it('gives no targets for a file with a syntax error, as Compose refuses it', () => {
    const r = composeBuildTargets({ path: path.join(W, 'compose.yaml'), text: 'services:\n  api:\n    build: .\n  api:\n    build: ./x\n' });
    assert.deepEqual(r.targets, []);
    assert.match(r.errors[0], /compose\.yaml: duplicated mapping key \(4:3\)/);
  });

  it('survives broken YAML', () => {
    const r = composeBuildTargets({ path: path.join(W, 'docker-compose.yml'), text: 'services: [\n  api:\n' });
    assert.deepEqual(r.targets, []);
    assert.ok(r.errors.length > 0);
    assert.deepEqual(composeBuildTargets({ path: 'x.yml', text: '' }).targets, []);
    assert.deepEqual(composeBuildTargets({ path: 'x.yml', text: 'services:\n  a: null\n' }).targets, []);
  });
});
