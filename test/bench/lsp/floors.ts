/**
 * Lower bounds the LSP ratios cannot beat, measured so a missed target can be told from one that
 * cannot be met:
 *
 * - Parser floor. Opening a document means parsing it with dockerfile-ast (the parser this
 *   project is built on), whatever the rules cost. The peer's whole answer to an open is one
 *   call, `validate()` of dockerfile-language-service (dockerfile-ast's parse plus its checks).
 *   The ratio parse alone / peer's validate() is the least a didOpen ratio can be.
 * - Round trip. The time for a request neither server handles (both answer "method not found" at
 *   once) is each side's JSON-RPC floor; a code action cannot come back faster.
 *
 * The parser floor runs in a child process of its own (`node floors.js --child`), so nothing of
 * our server (which adds caches to dockerfile-ast's prototypes) touches the peer's code, with CPU
 * time per call (median of alternating calls on generated files of the same size).
 */
import { execFileSync } from 'node:child_process';
import type { BenchServer } from './client';
import { generateDockerfile } from './generate';
import { median, ratio, round } from './stats';

export interface ParserFloor {
  lines: number;
  /** CPU ms per call, median. */
  parseMs: number;
  peerValidateMs: number;
  /** parseMs / peerValidateMs. */
  ratio: number;
}

const SIZES = [1000, 10000];

/** Runs the parser-floor measurement in a fresh Node process and returns its result. */
export function parserFloors(): ParserFloor[] {
  const out = execFileSync(process.execPath, [__filename, '--child'], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as ParserFloor[];
}

function cpuMs(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function measureInChild(): ParserFloor[] {
  // Loaded here only: the parent process must not load them next to our server's code.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { DockerfileParser } = require('dockerfile-ast') as typeof import('dockerfile-ast');
  const { DockerfileLanguageServiceFactory } = require('dockerfile-language-service') as typeof import('dockerfile-language-service');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const service = DockerfileLanguageServiceFactory.createLanguageService();
  return SIZES.map((lines) => {
    const texts = Array.from({ length: lines >= 10000 ? 12 : 40 }, (_, i) => generateDockerfile(lines, 500 + i));
    const parse: number[] = [];
    const validate: number[] = [];
    texts.forEach((text, i) => {
      // Alternate which goes first; the first few of each are warm-up and not counted.
      const steps: [number[], () => void][] = [
        [parse, () => DockerfileParser.parse(text)],
        [validate, () => service.validate(text)],
      ];
      if (i % 2 === 1) steps.reverse();
      for (const [into, f] of steps) {
        const ms = cpuMs(f);
        if (i >= 4) into.push(ms);
      }
    });
    const parseMs = round(median(parse), 2);
    const peerValidateMs = round(median(validate), 2);
    return { lines, parseMs, peerValidateMs, ratio: ratio(parseMs, peerValidateMs) };
  });
}

/** Times `count` requests of a method neither server handles; the median, in ms. */
export async function roundTripMs(server: BenchServer, count = 20): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await server.connection.sendRequest('dockerfileSizeHints/bench/noSuchMethod', {}).catch(() => undefined);
    times.push(performance.now() - t0);
  }
  return round(median(times), 2);
}

if (require.main === module && process.argv.includes('--child')) process.stdout.write(JSON.stringify(measureInChild()));
