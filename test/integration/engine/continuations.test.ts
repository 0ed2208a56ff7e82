/**
 * Lines that end in an escaped blank and then the escape character (`a \ \`), built with BuildKit
 * on a private dockerd (Debian's docker.io, `--network none`, the debootstrap base image): every
 * RUN prints its arguments with `printf '[%s]'`, and what the builder printed must be what the
 * model's reading of the same RUNs gives (server/src/core/parse.ts). dockerfile-ast alone ends the
 * instruction at such a line, so the model without parse.ts fails here (another instruction count,
 * other words).
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEngine, importBareImage, BARE_IMAGE, type Engine } from '../../support/engine';
import { buildModel } from '../../../server/src/core/model';
import { programArgs, programName } from '../../../server/src/core/shell';

const FROM = `FROM ${BARE_IMAGE}`;

/** Dockerfiles to build, each RUN marked by its first printed word (R1, R2...). */
const FILES: Record<string, string> = {
  backslash: [
    FROM,
    "RUN printf '[%s]' R1 a \\ \\",
    "    b && printf '[%s]' c && echo",
    // Blanks after it, an escaped tab, a comment line and an empty line after it.
    "RUN printf '[%s]' R2 a \\ \\  \t",
    "    b && printf '[%s]' c && echo",
    "RUN printf '[%s]' R3 a \\\t\\",
    '  # a comment \\ \\',
    '',
    "    b && echo",
    // An escaped backslash before it; three in a row (dockerfile-ast went on there already).
    "RUN printf '[%s]' R4 a\\\\ \\",
    '    b && echo',
    "RUN printf '[%s]' R5 a \\ \\ \\",
    '    b && echo',
    // The next line is an instruction, for dockerfile-ast: BuildKit takes it as arguments.
    "RUN printf '[%s]' R6 a \\ \\",
    'ENV X=1 && echo',
    // Continued lines are joined with nothing between them.
    "RUN printf '[%s]' R7 a\\",
    'b && echo',
    "RUN printf '[%s]' R8 && echo",
    '',
  ].join('\n'),
  'backslash, CR LF': [FROM, "RUN printf '[%s]' R1 a \\ \\", "    b && printf '[%s]' c && echo", "RUN printf '[%s]' R2 && echo", ''].join('\r\n'),
  // The escaped blank reaches the shell as a backtick: quoted, as the argument of `:`.
  backtick: ['# escape=`', FROM, "RUN printf '[%s]' R1 a && : '` `", "    ' && printf '[%s]' b && echo", "RUN printf '[%s]' R2 && echo", ''].join('\n'),
};

/** What the model says each RUN prints: `[arg]` for every argument of each `printf '[%s]'`. */
function expectedOutput(text: string): string[] {
  return buildModel(text)
    .instructions.filter((i) => i.run)
    .map((i) =>
      i.run!.commands
        .filter((c) => programName(c) === 'printf' && programArgs(c)[0]?.value === '[%s]')
        .map((c) => programArgs(c).slice(1).map((w) => `[${w.value}]`).join(''))
        .join(''),
    );
}

describe('lines continued after an escaped blank: the model against BuildKit (real dockerd)', function () {
  this.timeout(240_000);
  let engine: Engine;
  let dir: string;

  before(async function () {
    this.timeout(600_000);
    engine = await startEngine();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dsh-continuations-'));
    await importBareImage(engine, (m) => console.log(`      ${m}`));
  });

  after(async () => {
    await engine?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  for (const [name, text] of Object.entries(FILES)) {
    it(`${name}: the RUNs print what the model reads`, async () => {
      const ctx = path.join(dir, name.replace(/\W+/g, '-'));
      await fs.mkdir(ctx);
      await fs.writeFile(path.join(ctx, 'Dockerfile'), text);
      const build = await engine.docker(['build', '--no-cache', '--progress=plain', '--network', 'none', ctx], { env: { DOCKER_BUILDKIT: '1' }, timeoutMs: 120_000 });
      // BuildKit's plain progress, on stderr: `#<step> <seconds> <output line>`.
      const built = build.stderr + build.stdout;
      assert.equal(build.code, 0, built);
      const printed = built
        .split(/\r?\n/)
        .map((l) => /^#\d+ \d+\.\d+ (\[R\d+\].*)$/.exec(l)?.[1])
        .filter((l): l is string => l !== undefined);
      const expected = expectedOutput(text);
      assert.ok(expected.every((e) => /^\[R\d+\]/.test(e)), `a RUN that prints no marker: ${JSON.stringify(expected)}`);
      assert.deepEqual(printed.sort(), expected.sort(), built);
    });
  }
});
