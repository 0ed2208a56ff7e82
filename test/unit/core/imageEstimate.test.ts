import * as assert from 'node:assert/strict';
import { buildModel } from '../../../server/src/core/model';
import { describeEstimate, estimateImage, nothingSized, type StageEstimate } from '../../../server/src/core/imageEstimate';
import { analyze } from '../../../server/src/core/analyze';
import { hoverAt } from '../../../server/src/core/hover';
import { APT_LAYER_BOOKKEEPING, APT_LISTS, estimateAptInstall, estimateBaseImage, OFFICIAL_BASE_PACKAGES } from '../../../server/src/sizes';

const env = { context: {} };

describe('whole-image estimate', () => {
  it('adds the base, apt installs from the package table and kept apt lists', () => {
    const m = buildModel('FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nENV A=1\n');
    const e = estimateImage(m, env)!;
    const base = estimateBaseImage('debian:bookworm')!.unpackedBytes;
    const curl = estimateAptInstall(['curl'], { recommends: false, basePackages: OFFICIAL_BASE_PACKAGES }).bytes;
    assert.ok(curl > 0);
    assert.equal(e.knownBytes, base + curl + APT_LISTS.bytes);
    assert.equal(e.complete, true);
    assert.equal(e.layers.length, 1, 'ENV makes no layer');
    assert.match(describeEstimate(e), /^about \d/);
  });
  it('says "at least" and counts unsized layers instead of treating them as zero', () => {
    const e = estimateImage(buildModel('FROM python:3.12-slim\nCOPY . /app\nRUN pip install --no-cache-dir -r /app/requirements.txt\n'), env)!;
    assert.equal(e.unsizedLayers, 2);
    assert.equal(e.complete, false);
    assert.match(describeEstimate(e), /^at least about .*2 layers not sized/);
  });
  it('does not size apt installs on full language images, whose package set it does not know', () => {
    const e = estimateImage(buildModel('FROM python:3.12\nRUN apt-get update && apt-get install -y gcc && rm -rf /var/lib/apt/lists/*\n'), env)!;
    assert.equal(e.layers[0].bytes, undefined);
  });
  it("says why an apt install on a full image is not sized, once, and where it would be (the hover read 'not sized (not sized: this full image ...)')", () => {
    const text = 'FROM python:3.12\nRUN apt-get update && apt-get install -y curl libpq-dev\n';
    const part = estimateImage(buildModel(text), env)!.layers[0].parts[0];
    assert.equal(part.basis, "python:3.12 already has packages no table here lists: what this adds is unknown (on python:3.12-slim it is sized)");
    const hover = hoverAt(buildModel(text), { line: 1, character: 1 }, env)!.markdown;
    assert.match(hover, /- apt-get install curl libpq-dev: not sized \(python:3\.12 already has packages no table/);
    assert.doesNotMatch(hover, /not sized \(not sized/);
    const purge = 'FROM debian:bookworm-slim\nRUN apt-get install -y gcc && make && apt-get purge -y --auto-remove gcc\n';
    assert.match(hoverAt(buildModel(purge), { line: 1, character: 1 }, env)!.markdown, /gcc: not sized \(the RUN removes packages it installs again/);
    // Through an earlier stage, and on buildpack-deps itself (no -slim to name).
    assert.match(estimateImage(buildModel('FROM node:22 AS base\nFROM base\nRUN apt-get install -y curl\n'), env)!.layers[0].parts[0].basis, /^node:22 already has .* \(on node:22-slim it is sized\)$/);
    assert.equal(estimateImage(buildModel('FROM buildpack-deps:bookworm\nRUN apt-get install -y curl\n'), env)!.layers[0].parts[0].basis, "buildpack-deps:bookworm already has packages no table here lists: what this adds is unknown");
  });
  it('does not size an apt install after the image adds an apt repository, whose packages may be that repository\'s (found by helper-129)', () => {
    // NodeSource's nodejs (node and npm in one package) was sized as Debian's nodejs and the
    // libnode108 it depends on: about 92 MB. The nodejs 20.20.2-1nodesource1+repack1 on this
    // machine holds 192 MB of files (dpkg -L), a repack of one major version: no figure here.
    const setup = 'curl -fsSL https://deb.nodesource.com/setup_20.x | bash -';
    for (const text of [`RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates && ${setup} && apt-get install -y --no-install-recommends nodejs`, `RUN ${setup}\nRUN apt-get install -y --no-install-recommends nodejs`]) {
      const e = estimateImage(buildModel(`FROM debian:bookworm-slim\n${text}\n`), env)!;
      const parts = e.layers.flatMap((l) => l.parts);
      const nodejs = parts.find((p) => p.label === 'apt-get install nodejs')!;
      assert.equal(nodejs.bytes, undefined, text);
      assert.match(nodejs.basis, /^may come from an apt repository the image added/, text);
      assert.equal(e.complete, false, text);
      // The install before the setup script is Debian's: sized.
      assert.ok(!text.startsWith('RUN apt-get') || parts[0].bytes! > 0, text);
    }
  });
  it('does not size an apt install whose packages the same RUN removes again (the official images\' purge pattern)', () => {
    // Counted in full before: 303 MB of build packages for a RUN shaped like the official python
    // image's, which purges them (apt-mark auto, then apt-get purge --auto-remove) before it ends.
    const purged = (remove: string) => estimateImage(buildModel(`FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc make && make && ${remove} && rm -rf /var/lib/apt/lists/*\n`), env)!;
    for (const remove of ['apt-get purge -y --auto-remove gcc make', 'apt-get remove -y gcc make', 'apt-mark auto gcc make && apt-get autoremove -y']) {
      const e = purged(remove);
      assert.equal(e.layers[0].bytes, undefined, remove);
      assert.match(e.layers[0].parts[0].basis, /removes packages it installs again/, remove);
      assert.equal(e.complete, false);
    }
    const kept = estimateImage(buildModel('FROM debian:bookworm-slim\nRUN apt-get purge -y vim && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\n'), env)!;
    assert.ok(kept.layers[0].bytes! > 0, 'a removal before the install leaves the install sized');
  });
  it('sizes an apt install whose RUN removes only other packages, or autoremoves with nothing marked auto', () => {
    // apt-get autoremove takes only packages installed as dependencies and no longer needed: gcc,
    // installed by name, stays, and so do the packages it needs. These gave 'not sized' at 2a06fb1.
    const run = (after: string) => estimateImage(buildModel(`FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && ${after} && rm -rf /var/lib/apt/lists/*\n`), env)!;
    const sized = estimateAptInstall(['gcc'], { recommends: false, basePackages: OFFICIAL_BASE_PACKAGES }).bytes;
    for (const after of ['apt-get autoremove -y && apt-get clean', 'apt-get remove -y --purge man-db', 'apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false']) {
      assert.equal(run(after).layers[0].bytes, sized, after);
    }
    for (const after of ['apt-get purge -y $BUILD_DEPS', "apt-get purge -y 'gcc*'", 'apt-get remove -y gcc:amd64', 'apt-mark auto \'.*\' > /dev/null && apt-get purge -y --auto-remove']) {
      assert.equal(run(after).layers[0].bytes, undefined, after);
    }
  });
  it('gives no figure when nothing is sized, rather than "at least about 0 B"', () => {
    const e = estimateImage(buildModel('FROM gcr.io/distroless/nodejs22-debian12\nCOPY app /app\n'), env)!;
    assert.equal(describeEstimate(e), 'not sized (base not sized; 1 layer not sized)');
    assert.equal(describeEstimate(estimateImage(buildModel('FROM scratch\nCOPY app /app\n'), env)!), 'not sized (base 0 B; 1 layer not sized)');
  });
  it('gives no figure for the image when its base is not sized, only what the layers add (a conda base read "at least about 11 KB")', () => {
    const text = 'FROM continuumio/miniconda3:24.7.1-0 AS env\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nFROM env\nCOPY app /app\n';
    const e = estimateImage(buildModel(text), env)!;
    assert.equal(e.baseUnsized, true, 'through FROM <stage>');
    assert.ok(nothingSized(e));
    assert.match(describeEstimate(e), /^not sized \(base not sized \+ [\d.]+ MB of layers; 1 layer not sized\)$/);
    const budget = analyze(text, env, { budgetBytes: 1_000_000 }).findings.find((f) => f.ruleId === 'image-over-budget');
    assert.match(budget?.message ?? '', /^The final image's sized layers alone come to at least about [\d.]+ MB \(its base image is not sized\), over the budget of 1\.0 MB\.$/);
    const sized = estimateImage(buildModel('FROM debian:bookworm-slim\nCOPY app /app\n'), env)!;
    assert.equal(sized.baseUnsized, false);
    assert.ok(!nothingSized(sized));
  });
  describe('apt installs after earlier ones (a shared dependency counts once, in the layer that added it first)', () => {
    const image = (text: string) => estimateImage(buildModel(text), env)!;
    const apt = (flags: string, pkgs: string) => `RUN apt-get update && apt-get install -y ${flags}${pkgs} && rm -rf /var/lib/apt/lists/*`;
    const layerBytes = (e: StageEstimate) => e.layers.map((l) => l.bytes!);
    for (const flags of ['--no-install-recommends ', '']) {
      it(`curl then openssh-client in two RUNs is one command's total plus one layer's records (${flags ? 'without' : 'with'} Recommends)`, () => {
        const two = image(`FROM debian:bookworm-slim\n${apt(flags, 'curl')}\n${apt(flags, 'openssh-client')}\n`);
        const one = image(`FROM debian:bookworm-slim\n${apt(flags, 'curl openssh-client')}\n`);
        // The second layer rewrites dpkg's and debconf's records (and debconf's backup when it adds templates).
        const second = estimateAptInstall(['openssh-client'], { recommends: !flags, after: estimateAptInstall(['curl'], { recommends: !flags }) });
        assert.equal(two.knownBytes - one.knownBytes, APT_LAYER_BOOKKEEPING.bytes + second.bookkeepingParts!.debconfTemplates);
        assert.equal(layerBytes(two)[1], second.bytes);
        assert.match(two.layers[1].parts[0].basis, /and the apt-get install before this one already have/);
      });
    }
    it('sizes each install with its own Recommends flag', () => {
      const e = image(`FROM debian:bookworm-slim\n${apt('--no-install-recommends ', 'curl')}\n${apt('', 'git')}\n`);
      const curl = estimateAptInstall(['curl'], { recommends: false });
      assert.deepEqual(layerBytes(e), [curl.bytes, estimateAptInstall(['git'], { recommends: true, after: curl }).bytes]);
    });
    it('counts an install of the same RUN and of the stage built FROM this one as earlier', () => {
      const curl = estimateAptInstall(['curl'], { recommends: false });
      const ssh = estimateAptInstall(['openssh-client'], { recommends: false, after: curl });
      const sameRun = image('FROM debian:bookworm-slim\nRUN apt-get install -y --no-install-recommends curl && apt-get install -y --no-install-recommends openssh-client\n');
      assert.equal(sameRun.layers[0].parts[1].bytes, ssh.bytes - APT_LAYER_BOOKKEEPING.bytes);
      const staged = image(`FROM debian:bookworm-slim AS base\n${apt('--no-install-recommends ', 'curl')}\nFROM base\n${apt('--no-install-recommends ', 'openssh-client')}\n`);
      assert.deepEqual(layerBytes(staged), [ssh.bytes]);
      assert.equal(staged.base?.bytes, image(`FROM debian:bookworm-slim\n${apt('--no-install-recommends ', 'curl')}\n`).knownBytes);
      // A sibling stage's installs are not in this image.
      const sibling = image(`FROM debian:bookworm-slim AS other\n${apt('--no-install-recommends ', 'curl')}\nFROM debian:bookworm-slim\n${apt('--no-install-recommends ', 'openssh-client')}\n`);
      assert.deepEqual(layerBytes(sibling), [estimateAptInstall(['openssh-client'], { recommends: false }).bytes]);
    });
    it('sizes installs after a removal against the base alone again (what stays is not modelled)', () => {
      const alone = estimateAptInstall(['openssh-client'], { recommends: false }).bytes;
      for (const removal of ['apt-get purge -y curl', 'apt-get autoremove -y', 'dpkg -r curl', 'dpkg --purge curl']) {
        const e = image(`FROM debian:bookworm-slim\n${apt('--no-install-recommends ', 'curl')}\nRUN ${removal}\n${apt('--no-install-recommends ', 'openssh-client')}\n`);
        assert.equal(e.layers[2].bytes, alone, removal);
      }
      const sameRun = image(`FROM debian:bookworm-slim\nRUN apt-get install -y --no-install-recommends curl && apt-get purge -y vim && apt-get install -y --no-install-recommends openssh-client\n`);
      assert.equal(sameRun.layers[0].parts[1].bytes, alone - APT_LAYER_BOOKKEEPING.bytes);
    });
  });
  it('follows FROM <stage> and uses build-context copy sizes when measured', () => {
    const m = buildModel('FROM debian:bookworm-slim AS base\nFROM base\nCOPY . /app\n');
    const e = estimateImage(m, { context: { copySizes: { 2: 5_000_000 } } })!;
    assert.equal(e.knownBytes, estimateBaseImage('debian:bookworm-slim')!.unpackedBytes + 5_000_000);
    assert.equal(e.complete, true);
  });
  it('counts a chown or chmod of files an earlier layer wrote as stored again, not as 0 B', () => {
    // `COPY app /app` then `RUN chown -R app /app` was "about 74 MB (... + 5.0 MB of layers)", complete,
    // while files-changed-in-later-layer said the chown stores the 5 MB again.
    const scan = { complete: true, files: 1, bytes: 5_000_000, topLevel: [{ path: 'app', bytes: 5_000_000, files: 1 }], heavy: [], secrets: [] };
    const copied = (run: string) => estimateImage(buildModel(`FROM debian:bookworm-slim\nRUN useradd -r app\nCOPY app /app\n${run}\n`), { context: { scan } })!;
    const base = estimateBaseImage('debian:bookworm-slim')!.unpackedBytes;
    const chown = copied('RUN chown -R app /app');
    assert.equal(chown.layers[2].bytes, 5_000_000);
    assert.equal(chown.knownBytes, base + 10_000_000);
    assert.equal(chown.complete, true);
    const unmeasured = estimateImage(buildModel('FROM debian:bookworm-slim\nCOPY app /app\nRUN chmod -R 755 /app\n'), env)!;
    assert.equal(unmeasured.layers[1].bytes, undefined, 'not measured: not sized, rather than 0 B');
    // Files the same RUN made, and deletions, add nothing.
    assert.equal(copied('RUN mkdir -p /data && chown app /data').layers[2].bytes, 0);
    assert.equal(copied('RUN rm -rf /app').layers[2].bytes, 0);
  });
  it("sizes a COPY or ADD here-document by its text, labelled by its first line (the hover listed the body over several lines, 'not sized (the size of the copied files (not measured))')", () => {
    const text = 'FROM alpine:3.20\nCOPY <<EOF /etc/app.yaml\n# listen here\nlisten: 0.0.0.0:8080\nEOF\nADD <<-EOT /run.sh\n\texec "$@"\nEOT\n';
    const [copy, add] = estimateImage(buildModel(text), env)!.layers;
    assert.deepEqual([copy.parts[0].label, copy.bytes, copy.complete], ['COPY <<EOF /etc/app.yaml', 35, true]);
    assert.deepEqual([add.parts[0].label, add.bytes], ['ADD <<-EOT /run.sh', 11]);
    assert.doesNotMatch(hoverAt(buildModel(text), { line: 1, character: 1 }, env)!.markdown, /listen|not sized/);
  });
  it('hovers RUN with the layer size and its parts', () => {
    const m = buildModel('FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n');
    const h = hoverAt(m, { line: 1, character: 1 }, env)!;
    assert.match(h.markdown, /Layer: about \d+(\.\d+)? MB/);
    assert.match(h.markdown, /apt lists left in the layer: about/);
    assert.equal(hoverAt(m, { line: 1, character: 10 }, env), undefined, 'only the keyword hovers');
  });
});
