/**
 * Lower bounds the LSP ratios cannot beat, measured so a missed target can be told from one that
 * cannot be met:
 *
 * - Parser floor. Opening a document means parsing it with dockerfile-ast (the parser this
 *   project is built on), whatever the rules cost. The peer's whole answer to an open is one
 *   call, `validate()` of dockerfile-language-service (dockerfile-ast's parse plus its checks).
 *   The ratio of our parse alone (dockerfile-ast with the speed-ups server/src/core/model.ts
 *   installs) to the peer's validate() is the least a didOpen ratio can be.
 * - Round trip. The time for a request neither server handles (both answer "method not found" at
 *   once) is each side's JSON-RPC floor; a code action cannot come back faster.
 *
 * Each side of the parser floor runs in a child process of its own (`node floors.js --child
 * parse|peer`), so our prototype changes never touch the peer's code; CPU time per call, median
 * over generated files of the same size, each side measured twice, taking turns.
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

/** Runs the parser-floor measurement in fresh Node processes, taking turns, and returns its result. */
export function parserFloors(): ParserFloor[] {
  const child = (side: 'parse' | 'peer') => JSON.parse(execFileSync(process.execPath, [__filename, '--child', side], { encoding: 'utf8', maxBuffer: 1 << 20 })) as Record<number, number[]>;
  const runs = [child('parse'), child('peer'), child('parse'), child('peer')];
  return SIZES.map((lines) => {
    const parseMs = round(median([...runs[0][lines], ...runs[2][lines]]), 2);
    const peerValidateMs = round(median([...runs[1][lines], ...runs[3][lines]]), 2);
    return { lines, parseMs, peerValidateMs, ratio: ratio(parseMs, peerValidateMs) };
  });
}

function cpuMs(f: () => void): number {
  const start = process.cpuUsage();
  f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** CPU ms per call of one side, by file size (the first calls are warm-up and not counted). */
function measureInChild(side: string): Record<number, number[]> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  let call: (text: string) => unknown;
  if (side === 'parse') {
    // Our model module installs its dockerfile-ast speed-ups when loaded.
    require('../../../server/src/core/model');
    const { DockerfileParser } = require('dockerfile-ast') as typeof import('dockerfile-ast');
    call = (text) => DockerfileParser.parse(text);
  } else {
    const { DockerfileLanguageServiceFactory } = require('dockerfile-language-service') as typeof import('dockerfile-language-service');
    const service = DockerfileLanguageServiceFactory.createLanguageService();
    call = (text) => service.validate(text);
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
  const out: Record<number, number[]> = {};
  for (const lines of SIZES) {
    const texts = Array.from({ length: lines >= 10000 ? 10 : 30 }, (_, i) => generateDockerfile(lines, 500 + i));
    out[lines] = texts.map((text) => cpuMs(() => call(text))).slice(3);
  }
  return out;
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

if (require.main === module && process.argv[2] === '--child') process.stdout.write(JSON.stringify(measureInChild(process.argv[3])));
