// Debian version ordering (epoch:upstream-revision), as Debian Policy 5.6.12 defines it: digits
// compare numerically, other characters by a table where `~` sorts before everything, even the
// end of the string, and letters sort before non-letters.

function order(c) {
  if (c === '~') return -1;
  if (c === undefined) return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

function comparePart(a, b) {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let diff = 0;
    // non-digit prefix
    while ((i < a.length && !/\d/.test(a[i])) || (j < b.length && !/\d/.test(b[j]))) {
      const ca = i < a.length && !/\d/.test(a[i]) ? a[i] : undefined;
      const cb = j < b.length && !/\d/.test(b[j]) ? b[j] : undefined;
      const d = order(ca) - order(cb);
      if (d !== 0) return d;
      if (ca !== undefined) i++;
      if (cb !== undefined) j++;
    }
    let na = '';
    let nb = '';
    while (i < a.length && /\d/.test(a[i])) na += a[i++];
    while (j < b.length && /\d/.test(b[j])) nb += b[j++];
    diff = Number(na || '0') - Number(nb || '0');
    if (diff !== 0) return diff;
  }
  return 0;
}

function split(v) {
  const colon = v.indexOf(':');
  const epoch = colon >= 0 ? Number(v.slice(0, colon)) : 0;
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ''];
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareDebianVersions(a, b) {
  const [ea, ua, ra] = split(a);
  const [eb, ub, rb] = split(b);
  if (ea !== eb) return ea - eb;
  return comparePart(ua, ub) || comparePart(ra, rb);
}
