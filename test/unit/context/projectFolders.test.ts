/**
 * `bin/` and `obj/` beside a .NET project file, `vendor/` beside `composer.json`: the scan reports
 * them at any depth, and only there (Rails' bin/, Go's vendor/ and a bin/ of scripts are no kind).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanBuildContext } from '../../../server/src/sources/context/scan';
import { writeFiles } from '../../support/contextTree';

describe('context scan: folders notable beside a project file', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-project-folders-'));
  });
  afterEach(() => fs.rm(root, { recursive: true, force: true }));

  it('reports bin and obj beside a .csproj/.fsproj/.vbproj at any depth, vendor beside composer.json', async () => {
    writeFiles(root, {
      'Shop.sln': 'x',
      'src/Api/Api.csproj': '<Project/>',
      'src/Api/bin/Release/net8.0/Api.dll': 2_000_000,
      'src/Api/obj/project.assets.json': 1_500_000,
      'src/Lib/Lib.fsproj': '<Project/>',
      'src/Lib/obj/Lib.fs.o': 10,
      'tools/Old/Old.vbproj': '<Project/>',
      'tools/Old/bin/Old.dll': 10,
      'web/composer.json': '{}',
      'web/vendor/autoload.php': 3_000,
    });
    const { notable } = await scanBuildContext(root);
    const found = notable.map((n) => `${n.path} ${n.kind} ${n.bytes}`).sort();
    assert.deepEqual(found, [
      'src/Api/bin dotnet-output 2000000',
      'src/Api/obj dotnet-output 1500000',
      'src/Lib/obj dotnet-output 10',
      'tools/Old/bin dotnet-output 10',
      'web/vendor composer-dependencies 3000',
    ]);
  });

  it('does not report them without the project file in the same folder', async () => {
    writeFiles(root, {
      'Gemfile': 'x',
      'bin/rails': 'x',
      'vendor/bundle/gem.rb': 10,
      'go.mod': 'module x',
      'svc/vendor/modules.txt': 10,
      'Shop.sln': 'x',
      'obj/stray.o': 10,
      'src/Api/Api.csproj': '<Project/>',
      'src/Api/Controllers/bin/x': 10,
      'php/app/vendor/a.php': 10,
      'php/composer.json': '{}',
    });
    const { notable } = await scanBuildContext(root);
    assert.deepEqual(notable, []);
  });
});
