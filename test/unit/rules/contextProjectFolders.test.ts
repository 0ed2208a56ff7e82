/**
 * .NET's bin/obj beside a project file and Composer's vendor/ beside composer.json, scanned from a
 * real folder: suggested for the ignore file (context-large-paths, and the .dockerignore that
 * context-without-dockerignore creates) only when the image runs `dotnet restore/build/publish`
 * or `composer install` itself, and a bin/ the image runs from the copy is kept.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../../server/src/core/analyze';
import type { BuildContextFacts } from '../../../server/src/core/environment';
import { buildModel } from '../../../server/src/core/model';
import { suggestedDockerignore } from '../../../server/src/rules/context-without-dockerignore';
import { scanFacts } from '../../../server/src/sources/context/facts';
import { scanBuildContext } from '../../../server/src/sources/context/scan';
import { writeFiles } from '../../support/contextTree';

const DOTNET = `FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build
WORKDIR /src
COPY ["src/Api/Api.csproj", "src/Api/"]
RUN dotnet restore "src/Api/Api.csproj"
COPY . .
WORKDIR /src/src/Api
RUN dotnet publish -c Release -o /app/publish

FROM mcr.microsoft.com/dotnet/aspnet:8.0
WORKDIR /app
COPY --from=build /app/publish .
ENTRYPOINT ["dotnet", "Api.dll"]
`;
const PHP = 'FROM composer:2 AS app\nWORKDIR /app\nCOPY . .\nRUN composer install --no-dev --optimize-autoloader\n';

describe('context rules: .NET bin/obj and Composer vendor/', () => {
  let root: string;
  let context: (ignore?: string) => Promise<BuildContextFacts>;
  before(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-project-rules-'));
    writeFiles(root, {
      'Shop.sln': 'x',
      'src/Api/Api.csproj': '<Project/>',
      'src/Api/Program.cs': 'x',
      'src/Api/bin/Debug/net8.0/Api.dll': 2_000_000,
      'src/Api/obj/project.assets.json': 1_500_000,
      'composer.json': '{}',
      'vendor/laravel/framework/src.php': 4_000_000,
    });
    const scan = scanFacts(await scanBuildContext(root));
    const topLevelNames = await fs.readdir(root);
    context = async (ignore) => (ignore === undefined ? { hasDockerignore: false, topLevelNames, scan } : { hasDockerignore: true, topLevelNames, ignoreFile: { relativePath: '.dockerignore', text: ignore }, scan });
  });
  after(() => fs.rm(root, { recursive: true, force: true }));

  const largePaths = async (dockerfile: string) => analyze(dockerfile, { context: await context('.git\n') }).findings.filter((f) => f.ruleId === 'context-large-paths').map((f) => f.message);

  it('suggests bin and obj when the image builds with dotnet, and the new .dockerignore has **/obj and the scanned bin beside the project', async () => {
    const [message] = await largePaths(DOTNET);
    assert.match(message, /does not exclude: src\/Api\/bin 2\.0 MB, src\/Api\/obj 1\.5 MB\. Adding them saves about 3\.5 MB\./);
    assert.match(message, /The host's src\/Api\/obj holds its restore output \(project\.assets\.json with the host's paths\)/);
    const [without] = analyze(DOTNET, { context: await context() }).findings.filter((f) => f.ruleId === 'context-without-dockerignore').map((f) => f.message);
    assert.match(without, /among them src\/Api\/bin 2\.0 MB, src\/Api\/obj 1\.5 MB\. The host's src\/Api\/obj/);
    const created = suggestedDockerignore(await context(), buildModel(DOTNET));
    assert.match(created, /^# \.NET\n\*\*\/obj\nsrc\/Api\/bin$/m);
    assert.doesNotMatch(created, /^\*\*\/bin$/m);
    assert.doesNotMatch(created, /^vendor$/m);
  });

  it('does not write **/bin: a bin/ of scripts with no project beside it stays in the image (helper-66)', async () => {
    const withScripts = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-project-scripts-'));
    try {
      writeFiles(withScripts, { 'App.sln': 'x', 'src/Api/Api.csproj': '<Project/>', 'src/Api/Program.cs': 'x', 'bin/entrypoint.sh': '#!/bin/sh\nexec dotnet /out/Api.dll\n' });
      const facts: BuildContextFacts = { hasDockerignore: false, topLevelNames: await fs.readdir(withScripts), scan: scanFacts(await scanBuildContext(withScripts)) };
      const dockerfile = 'FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY . .\nRUN dotnet publish src/Api/Api.csproj -o /out\nENTRYPOINT ["/src/bin/entrypoint.sh"]\n';
      const created = suggestedDockerignore(facts, buildModel(dockerfile));
      assert.match(created, /^# \.NET\n\*\*\/obj$/m);
      assert.doesNotMatch(created, /^(\*\*\/)?bin$/m);
    } finally {
      await fs.rm(withScripts, { recursive: true, force: true });
    }
  });

  it('keeps bin and obj when the image does not build them or runs what the host built', async () => {
    for (const dockerfile of [
      'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["dotnet", "src/Api/bin/Debug/net8.0/Api.dll"]\n',
      'FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY . /app\n',
      // One stage builds, another copies the context without building.
      `${DOTNET}COPY . /app/src\n`,
    ]) {
      const messages = await largePaths(dockerfile);
      assert.ok(messages.every((m) => !/src\/Api\/(?:bin|obj)/.test(m)), `${dockerfile}\n${messages.join('\n')}`);
      assert.doesNotMatch(suggestedDockerignore(await context(), buildModel(dockerfile)), /\*\*\/(?:bin|obj)/);
    }
  });

  it('suggests vendor when the image runs composer install, before or after the copy, and not otherwise', async () => {
    for (const dockerfile of [PHP, 'FROM composer:2\nWORKDIR /app\nCOPY composer.json ./\nRUN composer install --no-scripts\nCOPY . .\nRUN composer dump-autoload\n']) {
      assert.match((await largePaths(dockerfile))[0], /does not exclude: vendor 4\.0 MB\./, dockerfile);
      assert.match(suggestedDockerignore(await context(), buildModel(dockerfile)), /^# PHP\nvendor$/m, dockerfile);
    }
    const plain = 'FROM php:8.3-apache\nCOPY . /var/www/html/\n';
    assert.deepEqual(await largePaths(plain), []);
    assert.doesNotMatch(suggestedDockerignore(await context(), buildModel(plain)), /vendor/);
  });
});
