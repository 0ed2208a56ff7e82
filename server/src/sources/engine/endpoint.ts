/**
 * Where the Docker Engine API listens. Docker's own rule comes first: `DOCKER_HOST` when set
 * (`unix:///path` or plain `tcp://host:port`), then the sockets a Linux machine usually has: the
 * system engine, a rootless engine, and Podman's Docker-compatible API (rootless, then system).
 * Pure: the caller passes the environment and a way to test whether a socket exists.
 */

export type EngineEndpoint =
  | { kind: 'unix'; socketPath: string; source: string }
  | { kind: 'tcp'; host: string; port: number; source: string };

export type EndpointChoice = { ok: true; endpoint: EngineEndpoint } | { ok: false; detail: string };

/** Candidates in the order they are tried; `explicit` is the `dockerfileSizeHints.engine.host` setting. */
export function endpointCandidates(env: NodeJS.ProcessEnv, explicit?: string): (EngineEndpoint | { invalid: string })[] {
  const host = explicit?.trim() || env.DOCKER_HOST?.trim();
  if (host) return [parseHost(host, explicit?.trim() ? 'setting dockerfileSizeHints.engine.host' : 'DOCKER_HOST')];
  const out: EngineEndpoint[] = [{ kind: 'unix', socketPath: '/var/run/docker.sock', source: 'default socket' }];
  const runtime = env.XDG_RUNTIME_DIR || (typeof process.getuid === 'function' && process.getuid() !== 0 ? `/run/user/${process.getuid()}` : undefined);
  if (runtime) {
    out.push({ kind: 'unix', socketPath: `${runtime}/docker.sock`, source: 'rootless Docker socket' });
    out.push({ kind: 'unix', socketPath: `${runtime}/podman/podman.sock`, source: 'rootless Podman socket' });
  }
  out.push({ kind: 'unix', socketPath: '/run/podman/podman.sock', source: 'Podman socket' });
  return out;
}

/** Parses a `DOCKER_HOST`-style value. TLS (`DOCKER_TLS_VERIFY`, https) and ssh:// are not supported. */
export function parseHost(value: string, source: string): EngineEndpoint | { invalid: string } {
  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length);
    return socketPath.startsWith('/') ? { kind: 'unix', socketPath, source } : { invalid: `${source}: a unix socket path must be absolute (${value})` };
  }
  const tcp = /^(?:tcp|http):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(value);
  if (tcp) {
    const port = tcp[2] ? Number(tcp[2]) : 2375;
    if (port < 1 || port > 65535) return { invalid: `${source}: bad port in ${value}` };
    return { kind: 'tcp', host: tcp[1].replace(/^\[|\]$/g, ''), port, source };
  }
  return { invalid: `${source}: only unix:// and plain tcp:// engine addresses are supported (${value})` };
}

/** Picks the first candidate that can be used: an explicit address as is, a default socket only when it exists. */
export function chooseEndpoint(env: NodeJS.ProcessEnv, exists: (path: string) => boolean, explicit?: string): EndpointChoice {
  const candidates = endpointCandidates(env, explicit);
  if (candidates.length === 1) {
    const only = candidates[0];
    if ('invalid' in only) return { ok: false, detail: only.invalid };
    if (only.source !== 'default socket') return { ok: true, endpoint: only };
  }
  for (const c of candidates) {
    if ('invalid' in c) continue;
    if (c.kind === 'unix' && exists(c.socketPath)) return { ok: true, endpoint: c };
  }
  return { ok: false, detail: `no engine socket found (tried ${candidates.map((c) => ('invalid' in c ? c.invalid : c.kind === 'unix' ? c.socketPath : `${c.host}:${c.port}`)).join(', ')})` };
}

export function describeEndpoint(e: EngineEndpoint): string {
  return e.kind === 'unix' ? `unix://${e.socketPath}` : `tcp://${e.host}:${e.port}`;
}
