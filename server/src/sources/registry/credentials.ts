/**
 * Registry credentials from the user's Docker client configuration, read the way the Docker CLI
 * stores them: `$DOCKER_CONFIG/config.json` (else `~/.docker/config.json`) with
 *   - `auths: { "<host>": { auth: base64("user:pass") | username/password | identitytoken } }`
 *   - `credHelpers: { "<host>": "<name>" }` -> run `docker-credential-<name> get`
 *   - `credsStore: "<name>"` -> the same helper for every host.
 *
 * Safety rules, because the host we look up comes from a Dockerfile (untrusted text):
 *   - helpers run with `execFile` (no shell), a fixed argument, a time limit and a small output cap;
 *   - the string written to a helper's stdin is never the document's text: for `credHelpers` it
 *     is the key from the user's own config, for `credsStore` it is a server URL the helper itself
 *     returned from `list` (so hosts the user never logged in to never reach the helper);
 *   - helper names are limited to plain file-name characters;
 *   - secrets never appear in error messages (errors are swallowed: no credentials = anonymous).
 */
import type * as ChildProcess from 'node:child_process';
import * as fs from '../fsAsync';
import * as os from 'node:os';
import * as path from 'node:path';
import { DOCKER_HUB } from './reference';

export type Credential =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'identity-token'; username?: string; token: string };

/** Where a registry client gets credentials for a registry (normalised name, e.g. "docker.io"). */
export interface CredentialSource {
  get(registry: string, signal?: AbortSignal): Promise<Credential | undefined>;
}

/** No credentials: every request is anonymous. */
export const anonymous: CredentialSource = { get: async () => undefined };

export interface DockerConfigOptions {
  /** Environment to read DOCKER_CONFIG, HOME and PATH from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Time limit for one credential helper run (default 5 s). */
  helperTimeoutMs?: number;
}

interface AuthEntry { auth?: string; username?: string; password?: string; identitytoken?: string }
interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const HUB_KEYS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

/**
 * Normalises a config key ("https://index.docker.io/v1/", "http://host:5000", "ghcr.io") to the
 * registry name used by references ("docker.io", "host:5000", "ghcr.io").
 */
export function registryFromConfigKey(key: string): string {
  let host = key.trim().toLowerCase().replace(/^[a-z]+:\/\//, '');
  const slash = host.indexOf('/');
  if (slash >= 0) host = host.slice(0, slash);
  return HUB_KEYS.has(host) ? DOCKER_HUB : host;
}

/** Path of the Docker client config for an environment. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || path.join(env.HOME || env.USERPROFILE || os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/** Decodes one `auths` entry; undefined when it holds no usable secret. */
export function credentialFromAuthEntry(entry: AuthEntry): Credential | undefined {
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
    return { kind: 'identity-token', token: entry.identitytoken };
  }
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    return undefined;
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string' && entry.username !== '') {
    return { kind: 'basic', username: entry.username, password: entry.password };
  }
  return undefined;
}

/** Credentials read from the Docker client configuration (re-read on every call; it is small). */
export class DockerConfigCredentials implements CredentialSource {
  private readonly env: NodeJS.ProcessEnv;
  private readonly helperTimeoutMs: number;

  constructor(options: DockerConfigOptions = {}) {
    this.env = options.env ?? process.env;
    this.helperTimeoutMs = options.helperTimeoutMs ?? 5000;
  }

  async get(registry: string, signal?: AbortSignal): Promise<Credential | undefined> {
    const config = await this.readConfig();
    if (!config) return undefined;
    const wanted = registryFromConfigKey(registry);

    const helpers = isRecord(config.credHelpers) ? config.credHelpers : {};
    for (const [key, name] of Object.entries(helpers)) {
      if (registryFromConfigKey(key) === wanted && typeof name === 'string') {
        return this.runGet(name, key, signal);
      }
    }

    const auths = isRecord(config.auths) ? config.auths : {};
    for (const [key, entry] of Object.entries(auths)) {
      if (registryFromConfigKey(key) === wanted && isRecord(entry)) {
        const credential = credentialFromAuthEntry(entry as AuthEntry);
        if (credential) return credential;
      }
    }

    if (typeof config.credsStore === 'string' && config.credsStore !== '') {
      const listed = await this.runList(config.credsStore, signal);
      const key = listed.find((k) => registryFromConfigKey(k) === wanted);
      if (key !== undefined) return this.runGet(config.credsStore, key, signal);
    }
    return undefined;
  }

  private async readConfig(): Promise<DockerConfigFile | undefined> {
    try {
      const text = await fs.readFile(dockerConfigPath(this.env), 'utf8');
      const parsed: unknown = JSON.parse(text);
      return isRecord(parsed) ? (parsed as DockerConfigFile) : undefined;
    } catch {
      return undefined; // no config, unreadable or not JSON: anonymous access
    }
  }

  private async runGet(helper: string, serverUrl: string, signal?: AbortSignal): Promise<Credential | undefined> {
    const out = await this.runHelper(helper, 'get', serverUrl, signal);
    if (out === undefined) return undefined;
    try {
      const parsed: unknown = JSON.parse(out);
      if (!isRecord(parsed)) return undefined;
      const username = typeof parsed.Username === 'string' ? parsed.Username : '';
      const secret = typeof parsed.Secret === 'string' ? parsed.Secret : '';
      if (secret === '') return undefined;
      // The Docker CLI stores identity tokens with the sentinel user name "<token>".
      if (username === '<token>') return { kind: 'identity-token', token: secret };
      return { kind: 'basic', username, password: secret };
    } catch {
      return undefined;
    }
  }

  private async runList(helper: string, signal?: AbortSignal): Promise<string[]> {
    const out = await this.runHelper(helper, 'list', '', signal);
    if (out === undefined) return [];
    try {
      const parsed: unknown = JSON.parse(out);
      return isRecord(parsed) ? Object.keys(parsed) : [];
    } catch {
      return [];
    }
  }

  /** Runs `docker-credential-<helper> <action>`; stdout on success, undefined on any failure. */
  private runHelper(helper: string, action: 'get' | 'list', input: string, signal?: AbortSignal): Promise<string | undefined> {
    if (!HELPER_NAME.test(helper)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      try {
        // Loaded when a credential helper is first run, not at start-up.
        const child = (require('node:child_process') as typeof ChildProcess).execFile(
          `docker-credential-${helper}`,
          [action],
          { env: this.env, timeout: this.helperTimeoutMs, maxBuffer: 64 * 1024, windowsHide: true, ...(signal ? { signal } : {}) },
          (error, stdout) => resolve(error ? undefined : String(stdout)),
        );
        child.stdin?.on('error', () => undefined); // helper exited before reading: handled above
        child.stdin?.end(input);
      } catch {
        resolve(undefined);
      }
    });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
