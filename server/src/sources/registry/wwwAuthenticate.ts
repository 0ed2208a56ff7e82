/**
 * A parser for `WWW-Authenticate` headers (RFC 9110 section 11.6.1). A registry answers 401 with
 * a challenge such as `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",
 * scope="repository:library/alpine:pull"`. One header may hold several challenges
 * (`Basic realm="x", Bearer realm="y"`), and Node joins repeated headers with ", ", so the
 * parser has to tell a new challenge from the next parameter: a challenge starts with a token
 * that is not followed by "=".
 */

export interface Challenge {
  /** Lower-cased scheme: "bearer", "basic", ... */
  scheme: string;
  /** Parameters with lower-cased names. */
  params: Record<string, string>;
}

const TOKEN_CHAR = /[!#$%&'*+.^_`|~0-9A-Za-z-]/;

export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const n = header.length;
  const skipSpace = (): void => { while (i < n && (header[i] === ' ' || header[i] === '\t')) i++; };
  const readToken = (): string => {
    const start = i;
    while (i < n && TOKEN_CHAR.test(header[i]!)) i++;
    return header.slice(start, i);
  };
  // Lenient: unquoted values should be tokens, but servers send URLs unquoted too.
  const readBare = (): string => {
    const start = i;
    while (i < n && header[i] !== ',' && header[i] !== ' ' && header[i] !== '\t') i++;
    return header.slice(start, i);
  };
  const readQuoted = (): string => {
    let out = '';
    i++; // opening quote
    while (i < n && header[i] !== '"') {
      if (header[i] === '\\' && i + 1 < n) i++;
      out += header[i];
      i++;
    }
    i++; // closing quote
    return out;
  };

  let current: Challenge | undefined;
  while (i < n) {
    skipSpace();
    if (header[i] === ',') { i++; continue; }
    const start = i;
    const token = readToken();
    if (token === '') { i++; continue; } // stray character: skip it
    skipSpace();
    if (header[i] === '=' && current) {
      // auth-param (or the "=" padding of a token68, which we treat the same way)
      i++;
      skipSpace();
      const value = header[i] === '"' ? readQuoted() : readBare();
      current.params[token.toLowerCase()] = value;
      continue;
    }
    if (header[i] === '=' && !current) { i = start + token.length + 1; continue; }
    current = { scheme: token.toLowerCase(), params: {} };
    challenges.push(current);
  }
  return challenges;
}
