/**
 * The image estimate reads a layer as the rule that reports on it does. An apt install whose
 * recommendations apt's configuration turns off (apt-recommends is quiet) installs none, so the
 * estimate must not count them (a debian:bookworm-slim file with APT::Install-Recommends "false"
 * in /etc/apt/apt.conf.d read "about 583 MB" for `apt-get install -y python3-pip`, 448 MB of it
 * recommendations). A useradd that useradd-without-no-log-init says fills /var/log/lastlog and
 * faillog with 324 MB is no 0 B layer ("about 73 MB (base 73 MB + 0 B of layers)" on
 * debian:bullseye-slim), and neither is one with a smaller UID on such a base: on a debootstrap
 * Debian 11, Docker 20.10 gave `useradd -u 10001 app` a layer of 3,245,251 bytes (4,603 with -l),
 * `-u 1000` one of 328,924.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';

const env = { context: {} };
const estimate = (text: string) => estimateImage(buildModel(text), env)!;
const reported = (text: string, rule: string) => analyze(text, env).findings.some((f) => f.ruleId === rule);

describe('the image estimate reads layers as the rules do', () => {
  const install = 'RUN apt-get update && apt-get install -y python3-pip && rm -rf /var/lib/apt/lists/*\n';
  const withFlag = estimate(`FROM debian:bookworm-slim\n${install.replace('-y', '-y --no-install-recommends')}`).knownBytes;

  it('counts no recommendations where apt-recommends is quiet', () => {
    const off = [
      `RUN echo 'APT::Install-Recommends "false";' > /etc/apt/apt.conf.d/99nr\n`,
      // The form written from double quotes: echo "...\"false\";" (the rule missed it too).
      `RUN echo "APT::Install-Recommends \\"0\\";" > /etc/apt/apt.conf.d/99nr\n`,
    ];
    for (const conf of off) {
      const text = `FROM debian:bookworm-slim\n${conf}${install}`;
      assert.equal(reported(text, 'apt-recommends'), false, conf);
      assert.equal(estimate(text).knownBytes, withFlag, conf);
    }
    const viaOption = `FROM debian:bookworm-slim\n${install.replace('-y', '-y -o APT::Install-Recommends=false')}`;
    assert.equal(reported(viaOption, 'apt-recommends'), false);
    const parts = estimate(viaOption).layers[0].parts;
    assert.ok(parts.every((p) => p.bytes === undefined || p.bytes < withFlag), 'no recommendations counted');
    // Without any of these the recommendations count, and the rule reports them.
    const plain = `FROM debian:bookworm-slim\n${install}`;
    assert.ok(reported(plain, 'apt-recommends'));
    assert.ok(estimate(plain).knownBytes > withFlag + 100_000_000);
  });

  it('counts files a RUN changes twice once: the layer holds them once (3bec4c3 summed a chmod -R and a chown -R of the same copy)', () => {
    const scan = { complete: true, files: 1, bytes: 5_000_000, topLevel: [{ path: 'app', bytes: 5_000_000, files: 1 }], heavy: [], secrets: [] };
    const layer = (run: string) => estimateImage(buildModel(`FROM debian:bookworm-slim\nRUN useradd -r app\nCOPY app /app\n${run}\n`), { context: { scan } })!.layers[2];
    assert.deepEqual([layer('RUN chmod -R 755 /app && chown -R app /app').bytes, layer('RUN chmod -R 755 /app && chown -R app /app').complete], [5_000_000, true]);
    // Each in a RUN of its own stores them again each time.
    const separate = estimateImage(buildModel('FROM debian:bookworm-slim\nRUN useradd -r app\nCOPY app /app\nRUN chmod -R 755 /app\nRUN chown -R app /app\n'), { context: { scan } })!;
    assert.deepEqual(separate.layers.slice(2).map((l) => l.bytes), [5_000_000, 5_000_000]);
    // A change not sized first (one file of the copy) does not hide the measured one after it.
    const partial = layer('RUN chmod 755 /app/run.sh && chown -R app /app');
    assert.deepEqual([partial.bytes, partial.complete], [5_000_000, false]);
  });

  it("counts the lastlog of a useradd with a large UID as useradd-without-no-log-init does", () => {
    const old = 'FROM debian:bullseye-slim\nRUN useradd -u 1000000 app\n';
    const finding = analyze(old, env).findings.find((f) => f.ruleId === 'useradd-without-no-log-init')!;
    const layer = estimate(old).layers[0];
    assert.equal(layer.bytes, finding.saving!.bytes);
    assert.equal(layer.bytes, 1_000_001 * 324);
    assert.equal(layer.complete, true);
    // One RUN's useradds write one file, as long as the largest UID.
    assert.equal(estimate('FROM debian:bullseye-slim\nRUN useradd -u 1000000 a && useradd -u 70000 b\n').layers[0].bytes, 1_000_001 * 324);
    // A base whose release is not known: the rule gives the figure as a condition, the layer is not sized.
    const unknown = estimate('FROM myorg/python-base:3.12\nRUN useradd -u 1000000 app\n').layers[0];
    assert.equal(unknown.bytes, undefined);
    assert.equal(unknown.complete, false);
    // A UID up to 65535 on an older base: the same figure in the rule and the estimate (10002 x 324 bytes).
    const mid = 'FROM debian:bullseye-slim\nRUN useradd -u 10001 app\n';
    assert.equal(estimate(mid).layers[0].bytes, 10_002 * 324);
    assert.equal(analyze(mid, env).findings.find((f) => f.ruleId === 'useradd-without-no-log-init')?.saving?.bytes, 10_002 * 324);
    // Debian's adduser runs useradd without -l (adduser --uid 10001 ... app: a layer of 3,249,873
    // bytes on the same Debian 11); elsewhere it may be busybox's, which writes neither file.
    const adduser = "FROM debian:bullseye-slim\nRUN adduser --uid 10001 --disabled-password --gecos '' app\n";
    assert.equal(estimate(adduser).layers[0].bytes, 10_002 * 324);
    const viaAdduser = analyze(adduser, env).findings.find((f) => f.ruleId === 'useradd-without-no-log-init');
    assert.equal(viaAdduser?.saving?.bytes, 10_002 * 324);
    assert.match(viaAdduser!.message, /^adduser with UID 10001 runs useradd without -l/);
    for (const text of ['FROM alpine:3.20\nRUN adduser -D -u 70000 app\n', 'FROM debian:bookworm-slim\nRUN adduser --uid 70000 app\n']) {
      assert.ok(!reported(text, 'useradd-without-no-log-init'), text);
      assert.equal(estimate(text).layers[0].bytes, 0, text);
    }
    // Below 1 MB the estimate counts it and the rule says nothing.
    const small = 'FROM debian:bullseye-slim\nRUN useradd -u 1000 app\n';
    assert.equal(estimate(small).layers[0].bytes, 1_001 * 324);
    assert.ok(!reported(small, 'useradd-without-no-log-init'));
    // Debian 12, -l, a UID up to 65535 where the release is not known: nothing written or counted.
    for (const text of ['FROM debian:bookworm-slim\nRUN useradd -u 1000000 app\n', 'FROM debian:bullseye-slim\nRUN useradd -l -u 1000000 app\n', 'FROM debian:bookworm-slim\nRUN useradd -u 10001 app\n', 'FROM myorg/base:1\nRUN useradd -u 10001 app\n']) {
      const l = estimate(text).layers[0];
      assert.deepEqual([l.bytes, l.complete], [0, true], text);
    }
  });

  it('sizes recommendations and build packages against what earlier installs of the image added, as the estimate does', () => {
    // git recommends ca-certificates, less, patch and openssh-client among others; an earlier RUN
    // (or stage of the FROM chain) that installed some of them leaves less for the flag to save.
    const saving = (text: string, rule: string) => analyze(text, env).findings.find((f) => f.ruleId === rule)?.saving?.bytes;
    const git = 'RUN apt-get install -y git\n';
    const alone = saving(`FROM debian:bookworm-slim\n${git}`, 'apt-recommends')!;
    const earlier = 'RUN apt-get install -y --no-install-recommends ca-certificates less patch openssh-client\n';
    for (const text of [`FROM debian:bookworm-slim\n${earlier}${git}`, `FROM debian:bookworm-slim AS base\n${earlier}FROM base\n${git}`, `FROM debian:bookworm-slim\n${earlier.replace('\n', ' && ')}${git.slice(4)}`]) {
      const after = saving(text, 'apt-recommends')!;
      assert.ok(after > 0 && after < alone, `${after} vs ${alone}: ${text}`);
      // The flag would save what the estimate counts for the recommendations: the same bytes.
      assert.equal(after, estimate(text).knownBytes - estimate(text.replace('install -y git', 'install -y --no-install-recommends git')).knownBytes, text);
    }
    // A later install, another stage, or a removal in between leaves the figure as it is alone.
    for (const text of [`FROM debian:bookworm-slim\n${git}${earlier}`, `FROM debian:bookworm-slim AS other\n${earlier}FROM debian:bookworm-slim\n${git}`, `FROM debian:bookworm-slim\n${earlier}RUN apt-get purge -y less\n${git}`]) {
      assert.equal(saving(text, 'apt-recommends'), alone, text);
    }
    // Build packages: gcc after g++ (which depends on it) adds only its own bookkeeping, not the compiler again.
    const gcc = saving('FROM debian:bookworm-slim\nRUN apt-get install -y --no-install-recommends gcc\n', 'build-tools-in-final-image')!;
    const afterGxx = analyze('FROM debian:bookworm-slim\nRUN apt-get install -y --no-install-recommends g++\nRUN apt-get install -y --no-install-recommends gcc\n', env).findings.filter((f) => f.ruleId === 'build-tools-in-final-image');
    assert.equal(afterGxx.length, 2);
    assert.ok(afterGxx[1].saving!.bytes! < gcc / 10, `${afterGxx[1].saving!.bytes} vs ${gcc}`);
  });
});
