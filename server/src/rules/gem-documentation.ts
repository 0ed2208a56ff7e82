/**
 * gem-documentation: `gem install` generates ri documentation for every gem it installs unless
 * told `--no-document`. The official ruby images turn that off in their gemrc, so FROM ruby:* is
 * not reported; other bases (Debian's ruby, Alpine's) generate it.
 */
import { runInstructions } from '../core/model';
import { commandRange, hasFlag, insertAfterWord, ranCommands } from '../core/commands';
import { baseImageOf, findingCommand, imageRepository, precedesInChain, subcommandOf } from '../core/packageManagers';
import type { DockerfileModel, Instr } from '../core/model';
import { programName, wordsAndRedirects } from '../core/shell';
import { formatBytes, GEM_DOCUMENTATION_EXAMPLE as EX } from '../sizes';
import type { RawFinding, Rule } from './rule';

/** The documentation of one gem: an example of the proportion, not this image's figure. */
const BASIS = `the ri documentation RubyGems writes for each installed gem (under the gem home's doc/ folder), which grows with the gems; for rack (its lib/ only) it was about ${formatBytes(EX.bytes)} beside ${formatBytes(EX.outputBytes)} for the gem itself (measured with ${EX.tool})`;
const NO_DOCS = ['--no-document', '-N', '--no-ri', '--no-rdoc'];

const GEM = /^gem\d*(\.\d+)*$/;

/**
 * Instructions that write or copy a gemrc turning documentation off (found once per check, when
 * needed): a COPY or ADD that names a gemrc, or a RUN whose commands other than `gem` itself name
 * a gemrc and `no-document` (`echo 'gem: --no-document' > /etc/gemrc`); a `gem install
 * --no-document` that also names a gemrc writes no such setting.
 */
function gemrcWriters(model: DockerfileModel): Instr[] {
  return model.instructions.filter((i) => {
    if (i.keyword === 'COPY' || i.keyword === 'ADD') return /gemrc/.test(i.node.getArgumentsContent() ?? '');
    if (!i.run) return false;
    const words = ranCommands(i.run).filter((c) => !GEM.test(programName(c))).flatMap((c) => wordsAndRedirects(c).map((w) => w.value));
    return words.some((w) => /gemrc/.test(w)) && words.some((w) => /no-document|no-ri/.test(w));
  });
}

/** True when the image already turns documentation off: the official ruby image's gemrc, or a gemrc written earlier. */
function docsOffByConfig(instr: Instr, writers: Instr[]): boolean {
  return imageRepository(baseImageOf(instr)) === 'ruby' || writers.some((w) => precedesInChain(w, instr));
}

export const rule: Rule = {
  id: 'gem-documentation',
  title: 'gem documentation generated in the image',
  severity: 'warning',
  scope: 'layers',
  reads: 'family',
  words: ['gem'],
  docs: {
    summary: '`gem install` / `gem update` without `--no-document` (where no gemrc turns documentation off).',
    why: 'RubyGems generates ri documentation for every gem it installs. Nobody reads it inside a container. The official ruby images set `install: --no-document` in their gemrc, so `FROM ruby:*` is not reported; Debian\'s or Alpine\'s ruby packages have no such setting.',
    incorrect: 'FROM debian:bookworm-slim\nRUN gem install bundler',
    correct: 'FROM debian:bookworm-slim\nRUN gem install --no-document bundler',
    sizeImpact: `Depends on the gems: ${BASIS}. Basis: ${EX.basis}.`,
    fix: 'Inserts `--no-document` after `install` (RubyGems 2.0 and later know it). A gemrc the Dockerfile writes or copies earlier also satisfies the rule.',
  },
  check({ model }) {
    const out: RawFinding[] = [];
    // Looked for at the first `gem install` without --no-document only: the search reads every
    // RUN's words, and most Dockerfiles install no gem.
    let writers: Instr[] | undefined;
    for (const instr of runInstructions(model)) {
      const run = instr.run;
      for (const cmd of run.commands) {
        const sub = subcommandOf(cmd, GEM, ['install', 'update', 'i']);
        if (!sub || hasFlag(cmd, ...NO_DOCS)) continue;
        if (docsOffByConfig(instr, (writers ??= gemrcWriters(model)))) continue;
        out.push({
          range: commandRange(model, run, cmd),
          instr,
          message: `RubyGems writes documentation for each gem into this layer: ${BASIS}. Add --no-document.`,
          // An example from another gem is no estimate for these: no \`bytes\`, the example stays in the basis.
          saving: { basis: `${BASIS}; example: ${EX.basis}` },
          data: { commandStart: cmd.start },
        });
      }
    }
    return out;
  },
  fix(finding, { model }) {
    const found = findingCommand(model, finding);
    const sub = found && subcommandOf(found.cmd, GEM, ['install', 'update', 'i']);
    if (!found || !sub) return undefined;
    return { title: 'Add --no-document', edits: [insertAfterWord(model, found.run, sub, ' --no-document')], preferred: true };
  },
};
