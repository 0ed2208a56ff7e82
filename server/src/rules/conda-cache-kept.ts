/**
 * conda-cache-kept: conda, mamba and micromamba keep every downloaded package archive, its
 * extracted copy and the channel index in the package cache (`pkgs/`) until `conda clean`.
 */
import { operands } from '../core/commands';
import { appendRepair, cacheRule, subcommandOf } from '../core/packageManagers';
import { namedPath } from '../core/paths';
import { programName } from '../core/shell';

const PROGRAMS = /^(conda|mamba|micromamba)$/;
const BASIS = "each downloaded archive and its extracted copy, plus the channel index: roughly the environment's download size again; not yet measured by our bench";
const PKGS = ['/opt/conda/pkgs', '~/.conda/pkgs', '~/miniconda3/pkgs', '~/anaconda3/pkgs', '/opt/miniconda3/pkgs', '~/micromamba/pkgs', '/opt/micromamba/pkgs', '~/.cache/mamba', '~/.mamba/pkgs'];

/** The cleanup command the official images use for each tool. */
function cleanCommand(program: string): string {
  return program === 'conda' ? 'conda clean -afy' : `${program} clean --all --yes`;
}

export const rule = cacheRule({
  id: 'conda-cache-kept',
  title: "conda's package cache left in the layer",
  severity: 'warning',
  docs: {
    summary: '`conda install` / `conda env create` (also mamba, micromamba) without `conda clean -afy` in the same RUN.',
    why: 'The package cache (/opt/conda/pkgs in the official images) is not needed once the environment exists, and a cleanup in a later RUN cannot take it out of this layer.',
    incorrect: 'RUN conda env create -f environment.yml',
    correct: 'RUN conda env create -f environment.yml \\\n    && conda clean -afy',
    sizeImpact: `Depends on the packages: ${BASIS}. Large for scientific stacks (numpy, pytorch, CUDA libraries).`,
    fix: 'Appends `&& conda clean -afy` (`mamba`/`micromamba clean --all --yes` for those). Their `clean`, `rm -rf` of the pkgs folder, a cache mount on it, or `CONDA_PKGS_DIRS` pointing at a removed folder also satisfy the rule.',
  },
  words: ['conda', 'mamba'],
  fills: (cmd) => {
    const sub = subcommandOf(cmd, PROGRAMS, ['install', 'create', 'update', 'upgrade', 'env']);
    if (sub?.value !== 'env') return sub;
    const next = operands(cmd)[operands(cmd).indexOf(sub) + 1];
    return next && ['create', 'update'].includes(next.value) ? next : undefined;
  },
  cleans: (cmd) => PROGRAMS.test(programName(cmd)) && operands(cmd)[0]?.value === 'clean',
  cacheHandled: (handled, { env }) => {
    const dirs = env('CONDA_PKGS_DIRS')?.split(',');
    if (dirs) return dirs.every(handled);
    const root = env('MAMBA_ROOT_PREFIX') ?? env('CONDA_DIR');
    return (root !== undefined && handled(`${root}/pkgs`)) || PKGS.some(handled);
  },
  // Only a package cache the Dockerfile names: the default one depends on where the image installed conda.
  holds: ({ instr, cmd, env }) => {
    const root = env('MAMBA_ROOT_PREFIX') ?? env('CONDA_DIR');
    const dir = env('CONDA_PKGS_DIRS') ?? (root === undefined ? undefined : `${root}/pkgs`);
    return dir === undefined || dir.includes(',') ? undefined : namedPath(instr, cmd, dir);
  },
  message: ({ cmd }) => `${programName(cmd)} leaves its package cache in this layer: ${BASIS}. Add \`${cleanCommand(programName(cmd))}\` to the same RUN.`,
  saving: { basis: BASIS },
  repair: ({ model, instr, cmd }) => appendRepair(model, instr, cleanCommand(programName(cmd))),
});
