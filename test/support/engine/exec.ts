/**
 * Runs a program without a shell and collects its output. The engine helpers and the size bench
 * call Debian's tools (dockerd, docker, debootstrap, tar) through this, so every call has an
 * explicit argument vector, environment and a time limit.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Data written to the program's standard input. */
  input?: string | Buffer;
  /** Kill the program after this many milliseconds (default 10 minutes). */
  timeoutMs?: number;
  /** Stream the program's stderr to ours (long builds show progress). */
  echo?: boolean;
}

/** Runs `program args...` and resolves with its exit code and output; never rejects on exit code. */
export function run(program: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      if (opts.echo) process.stderr.write(b);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Like {@link run} but rejects with the program's stderr when it exits non-zero. */
export async function runOk(program: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(program, args, opts);
  if (r.code !== 0) {
    const tail = (r.stderr || r.stdout).trim().split('\n').slice(-15).join('\n');
    throw new Error(`${program} ${args.join(' ')} exited ${r.code}:\n${tail}`);
  }
  return r.stdout;
}

/** Resolves the absolute path of a program on PATH (plus the sbin directories), or undefined. */
export function which(program: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  for (const d of dirs) {
    if (d && existsSync(`${d}/${program}`)) return `${d}/${program}`;
  }
  return undefined;
}
