/**
 * The two Go standard-library behaviours that shape every .dockerignore line before matching:
 * `strings.TrimSpace` and `filepath.Clean` (Unix flavour). Docker reads ignore files with Go, so
 * "almost the same" JavaScript built-ins (String.prototype.trim, path.posix.normalize) would give
 * wrong answers at the edges: JS trim removes U+FEFF but not U+0085, normalize keeps trailing
 * slashes and leading `./`. These are written from the documented Go behaviour.
 */

/** Code points Go's `unicode.IsSpace` reports as space (Latin-1 and Unicode White_Space). */
function isGoSpace(c: number): boolean {
  switch (c) {
    case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d: case 0x20:
    case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

/** Offsets [start, end) of `s` once Go's `strings.TrimSpace` has removed both ends. */
export function goTrimBounds(s: string, from = 0, to = s.length): [number, number] {
  let start = from;
  let end = to;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return [start, end];
}

export function goTrimSpace(s: string): string {
  const [start, end] = goTrimBounds(s);
  return s.slice(start, end);
}

/**
 * Go's `filepath.Clean` on Unix: collapse repeated `/`, drop `.` elements, resolve `..` against
 * the preceding element, drop `..` right after the root, remove a trailing `/`, and turn the
 * empty result into `.`.
 */
export function goClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.charCodeAt(0) === 47;
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  if (rooted) return '/' + joined;
  return joined === '' ? '.' : joined;
}
