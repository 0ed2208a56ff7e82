// Bundles the three shipped entry points with esbuild. Type checking is `tsc -b`'s job;
// esbuild only strips types, so the two run independently and the bundle stays small.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // `--production` (used by `npm run package`): minified, no source maps, for the smallest .vsix.
  sourcemap: process.argv.includes('--production') ? false : 'linked',
  minify: process.argv.includes('--minify') || process.argv.includes('--production'),
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, define: { __VERSION__: JSON.stringify(version) } }),
]);
