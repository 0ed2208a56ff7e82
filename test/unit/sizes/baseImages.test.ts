import * as assert from 'node:assert/strict';
import { BASE_IMAGE_ROWS, createSizeModel, estimateBaseImage, slimVariant, smallerAlternatives, type SizeModel } from '../../../server/src/sizes';
import { analyze } from '../../../server/src/core/analyze';
import { baseImageHover } from '../../../server/src/core/hover';
import { buildModel } from '../../../server/src/core/model';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const row = (image: string, tag: string, platform = 'linux/amd64') => {
  const r = BASE_IMAGE_ROWS.find((x) => x.image === image && x.tag === tag && x.platform === platform);
  assert.ok(r, `table row ${image}:${tag} ${platform}`);
  return r;
};
const within = (actual: number, expected: number, tolerance: number) =>
  assert.ok(Math.abs(actual - expected) / expected <= tolerance, `${actual} not within ${tolerance * 100}% of ${expected}`);

describe('estimateBaseImage', () => {
  describe('tags in the table', () => {
    it('returns the measured row, exactly', () => {
      const e = estimateBaseImage('python:3.12')!;
      const r = row('python', '3.12');
      assert.equal(e.confidence, 'exact');
      assert.equal(e.compressedBytes, r.compressedBytes);
      assert.equal(e.unpackedBytes, 1_110_000_000);
      assert.equal(e.unpackedMeasured, true);
      assert.equal(e.platform, 'linux/amd64');
      assert.deepEqual(e.rows, [r]);
      assert.match(e.basis, /^Measured for python:3\.12 \[3\.12\.14 trixie\] on amd64; unpacked measured; reported 2026-08-13$/);
    });

    it('marks a derived unpacked size as derived even for an exact row', () => {
      const e = estimateBaseImage('python:3.13')!;
      assert.equal(e.confidence, 'exact');
      assert.equal(e.unpackedMeasured, false);
      assert.equal(e.unpackedBytes, row('python', '3.13').uncompressedBytes);
      assert.match(e.basis, /unpacked from the table unpacked\/compressed ratio/);
    });

    it('reads linux/arm64 as linux/arm64/v8', () => {
      const e = estimateBaseImage('python:3.13-bookworm', 'linux/arm64')!;
      assert.equal(e.confidence, 'exact');
      assert.equal(e.platform, 'linux/arm64/v8');
      assert.equal(e.compressedBytes, row('python', '3.13-bookworm', 'linux/arm64/v8').compressedBytes);
    });

    it('accepts the Docker Hub long form and a digest beside the tag', () => {
      for (const ref of ['docker.io/library/node:22', 'index.docker.io/library/node:22', `node:22@${DIGEST}`]) {
        const e = estimateBaseImage(ref)!;
        assert.equal(e.confidence, 'exact', ref);
        assert.equal(e.compressedBytes, row('node', '22').compressedBytes, ref);
      }
    });

    it('reads a version-less reference as latest', () => {
      const e = estimateBaseImage('perl')!;
      assert.equal(e.confidence, 'exact');
      assert.equal(e.tag, 'latest');
      assert.equal(e.compressedBytes, row('perl', 'latest').compressedBytes);
    });

    it('reads the per-architecture namespace as the platform', () => {
      const e = estimateBaseImage('arm64v8/node:24')!;
      assert.equal(e.platform, 'linux/arm64/v8');
      assert.equal(e.compressedBytes, row('node', '24', 'linux/arm64/v8').compressedBytes);
    });
  });

  describe('tags not in the table', () => {
    it('sizes another patch of a line from that line', () => {
      const e = estimateBaseImage('python:3.12.4')!;
      assert.equal(e.confidence, 'same-line');
      assert.equal(e.compressedBytes, row('python', '3.12').compressedBytes);
      assert.equal(e.unpackedMeasured, false);
      assert.match(e.basis, /^Same version line: from python:3\.12 /);
    });

    it('sizes an explicit default distribution as the default tag', () => {
      const e = estimateBaseImage('python:3.12-trixie')!;
      assert.equal(e.confidence, 'same-line');
      assert.equal(e.compressedBytes, row('python', '3.12').compressedBytes);
    });

    it('sizes another platform with the ratio measured on pairs, and says so', () => {
      const e = estimateBaseImage('python:3.12-slim', 'linux/arm64')!;
      assert.equal(e.confidence, 'same-line');
      assert.equal(e.platform, 'linux/arm64/v8');
      within(e.compressedBytes, row('python', '3.12-slim').compressedBytes, 0.05);
      assert.notEqual(e.compressedBytes, row('python', '3.12-slim').compressedBytes);
      assert.match(e.basis, /from python:3\.12-slim \(amd64\).* amd64->arm64\/v8 ratio \(\d+ python pairs?\)/);
    });

    it('sizes another version from the nearest versions of the same variant', () => {
      const e = estimateBaseImage('python:3.11-slim')!;
      assert.equal(e.confidence, 'same-variant');
      assert.ok(e.rows.some((r) => r.tag === '3.12-slim'));
      assert.ok(e.rows.every((r) => r.tag.endsWith('-slim')));
      within(e.compressedBytes, row('python', '3.12-slim').compressedBytes, 0.05);
      assert.match(e.basis, /^Same variant, nearest versions: from /);
    });

    it('interpolates between the versions on either side', () => {
      const e = estimateBaseImage('alpine:3.22')!;
      const lo = row('alpine', '3.21').compressedBytes;
      const hi = row('alpine', '3.24').compressedBytes;
      assert.ok(e.compressedBytes > lo && e.compressedBytes < hi, `${lo} < ${e.compressedBytes} < ${hi}`);
    });

    it('calls another variant a guess and names the ratio', () => {
      const e = estimateBaseImage('php:8.3-fpm')!;
      assert.equal(e.confidence, 'guess');
      assert.match(e.basis, /^Guess: from php:8\.3-cli/);
    });

    it('resolves codenames and release numbers of Debian and Ubuntu', () => {
      assert.equal(estimateBaseImage('debian:12-slim', 'linux/arm64')!.compressedBytes, row('debian', 'bookworm-slim', 'linux/arm64/v8').compressedBytes);
      assert.equal(estimateBaseImage('ubuntu:noble')!.compressedBytes, row('ubuntu', '24.04').compressedBytes);
    });

    it('sizes a channel-less latest alias from the newest line (nginx:alpine is mainline-alpine)', () => {
      const e = estimateBaseImage('nginx:alpine')!;
      assert.equal(e.compressedBytes, row('nginx', 'mainline-alpine').compressedBytes);
    });

    it('calls an unmeasured platform a guess', () => {
      const e = estimateBaseImage('python:3.12', 'linux/s390x')!;
      assert.equal(e.confidence, 'guess');
      assert.equal(e.platform, 'linux/s390x');
      assert.match(e.basis, /s390x not measured/);
    });

    it('sizes a digest-only reference as the newest tag, as a guess', () => {
      const e = estimateBaseImage(`python@${DIGEST}`)!;
      assert.equal(e.confidence, 'guess');
      assert.equal(e.tag, undefined);
      assert.match(e.basis, /pinned by digest only/);
    });

    it('always names rows with source and date', () => {
      for (const ref of ['python:3.9-slim', 'node:20', 'golang:1.24-alpine', 'postgres:16', 'eclipse-temurin:17-jre', 'redis:7-alpine', 'ruby:3.2-slim']) {
        const e = estimateBaseImage(ref);
        assert.ok(e, ref);
        assert.notEqual(e.confidence, 'exact', ref);
        assert.ok(e.rows.length >= 1 && e.rows.length <= 3, ref);
        for (const r of e.rows) assert.ok(r.sourcePath && r.reportedDate, ref);
        assert.ok(e.unpackedBytes > e.compressedBytes, ref);
        assert.ok(!e.basis.includes('\n'), ref);
      }
    });
  });

  describe('images without a table row', () => {
    it('returns undefined for unknown, non-official, and invalid references', () => {
      for (const ref of ['nosuchimage:1', 'bitnami/python:3.12', 'ghcr.io/a/b', 'localhost:5000/python:3.12', 'python:${PY}', '']) {
        assert.equal(estimateBaseImage(ref), undefined, ref);
      }
    });

    it('gives no figure for Windows images, which the table lacks', () => {
      assert.equal(estimateBaseImage('python:3.12-windowsservercore-ltsc2022'), undefined);
      assert.equal(estimateBaseImage('python:3.12', 'windows/amd64'), undefined);
    });

    it('sizes scratch as empty', () => {
      const e = estimateBaseImage('scratch')!;
      assert.equal(e.compressedBytes, 0);
      assert.equal(e.unpackedBytes, 0);
      assert.equal(e.confidence, 'exact');
    });

    it('sizes distroless static from its documented figure, as a guess', () => {
      const e = estimateBaseImage('gcr.io/distroless/static-debian12')!;
      assert.equal(e.compressedBytes, 2 * 1024 * 1024);
      assert.equal(e.confidence, 'guess');
      assert.deepEqual(e.rows, []);
      assert.match(e.basis, /about 2 MiB/);
    });

    it('accepts the official mirror on public ECR', () => {
      assert.equal(estimateBaseImage('public.ecr.aws/docker/library/python:3.12')!.confidence, 'exact');
    });
  });

  it('answers repeated hovers from an index, fast', () => {
    const refs = Array.from({ length: 300 }, (_, i) => `python:3.${i % 20}.${i}-slim`);
    const start = process.hrtime.bigint();
    for (const ref of refs) estimateBaseImage(ref, i(ref));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    assert.ok(ms < 1000, `${ms} ms for 300 distinct references`);
    assert.equal(estimateBaseImage('python:3.12'), estimateBaseImage('python:3.12'));
    function i(ref: string) {
      return ref.length % 2 ? 'linux/arm64' : undefined;
    }
  });
});

describe('smallerAlternatives', () => {
  it('offers slim and alpine for python:3.12, smallest first, with savings', () => {
    const alts = smallerAlternatives('python:3.12');
    assert.deepEqual(alts.map((a) => a.reference), ['python:3.12-alpine', 'python:3.12-slim']);
    const slim = alts[1];
    assert.equal(slim.estimate.confidence, 'exact');
    assert.equal(slim.savingBytes, 1_110_000_000 - 119_200_000);
    assert.equal(slim.savingCompressedBytes, row('python', '3.12').compressedBytes - row('python', '3.12-slim').compressedBytes);
    assert.match(slim.caveat!, /no compilers/);
    assert.match(alts[0].caveat!, /musl.*wheels/);
  });

  it("rust's -slim keeps gcc for linking: its caveat names what it lacks instead", () => {
    // rust:*-slim installs gcc and libc6-dev (cargo links with cc); it has no pkg-config or -dev headers.
    const slim = smallerAlternatives('rust:1.82').find((a) => a.reference === 'rust:1.82-slim');
    assert.ok(slim);
    assert.doesNotMatch(slim.caveat!, /no compilers/);
    assert.match(slim.caveat!, /gcc.*pkg-config/);
  });

  it('keeps the asked distribution where the smaller variant has it', () => {
    const refs = smallerAlternatives('python:3.13-bookworm').map((a) => a.reference);
    assert.ok(refs.includes('python:3.13-slim-bookworm'), refs.join());
    assert.ok(refs.includes('python:3.13-alpine'), refs.join());
  });

  it('offers the JRE for a JDK, with its caveat', () => {
    const alts = smallerAlternatives('eclipse-temurin:21-jdk');
    const jre = alts.find((a) => a.reference === 'eclipse-temurin:21-jre');
    assert.ok(jre, alts.map((a) => a.reference).join());
    assert.match(jre.caveat!, /JRE only/);
    assert.ok(alts.some((a) => a.reference === 'eclipse-temurin:21-jre-alpine'));
  });

  it('offers only variants the image has (golang has no slim; php apache has no alpine)', () => {
    assert.deepEqual(smallerAlternatives('golang:1.26').map((a) => a.reference), ['golang:1.26-alpine']);
    assert.deepEqual(smallerAlternatives('php:8.2-apache'), []);
  });

  it('offers distroless and scratch only when the stage holds a static binary', () => {
    assert.ok(!smallerAlternatives('golang:1.26').some((a) => a.reference === 'scratch'));
    const alts = smallerAlternatives('golang:1.26', undefined, { staticBinary: true });
    assert.deepEqual(alts.map((a) => a.reference), ['scratch', 'gcr.io/distroless/static-debian12', 'golang:1.26-alpine']);
    assert.match(alts[1].caveat!, /No shell/);
    assert.match(alts[1].estimate.basis, /about 2 MiB/);
  });

  it('offers nothing smaller for an alpine image or an unknown one', () => {
    assert.deepEqual(smallerAlternatives('python:3.12-alpine'), []);
    assert.deepEqual(smallerAlternatives('example.com/app:1'), []);
    assert.deepEqual(smallerAlternatives('scratch', undefined, { staticBinary: true }), []);
  });

  it('sizes alternatives on the asked platform', () => {
    for (const a of smallerAlternatives('node:24', 'linux/arm64')) assert.equal(a.estimate.platform, 'linux/arm64/v8');
  });
});

describe('slimVariant', () => {
  const cases: [string, string | undefined][] = [
    ['python:3.12', 'python:3.12-slim'],
    ['python:3.12-bookworm', 'python:3.12-slim-bookworm'],
    ['node:22', 'node:22-slim'],
    ['node:22-bookworm', 'node:22-bookworm-slim'],
    ['python', 'python:slim'],
    ['python:3.12.4', 'python:3.12.4-slim'],
    // docker-library/ruby publishes -slim tags the table has not measured (SLIM_UNMEASURED).
    ['ruby:3.3', 'ruby:3.3-slim'],
    ['ruby:3.3-bookworm', 'ruby:3.3-slim-bookworm'],
    ['ruby:3.3-alpine', undefined],
    ['rust:1', 'rust:1-slim'],
    ['perl', 'perl:slim'],
    ['debian:bookworm', 'debian:bookworm-slim'],
    ['openjdk:18-jdk', 'openjdk:18-jdk-slim'],
    // -slim exists on Debian only: these gave openjdk:21-jdk-slim-oraclelinux8 and python:3.12-slim-ltsc2022.
    ['openjdk:21-jdk-oraclelinux8', undefined],
    ['python:3.12-windowsservercore-ltsc2022', undefined],
    ['python:3.12-windowsservercore-1809', undefined],
    ['docker.io/library/python:3.12', 'docker.io/library/python:3.12-slim'],
    [`python:3.12@${DIGEST}`, 'python:3.12-slim'],
    ['python:3.12-slim', undefined],
    ['python:3.12-alpine', undefined],
    ['golang:1.26', undefined],
    ['eclipse-temurin:21-jdk', undefined],
    ['nosuch:1', undefined],
    ['scratch', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${input} -> ${expected ?? 'undefined'}`, () => assert.equal(slimVariant(input), expected));
  }
  it('base-image-not-slim says when the slim size is a guess (ruby:3.3-slim is not in the table)', () => {
    const message = (image: string) => analyze(`FROM ${image}\n`, { context: {} }).findings.find((f) => f.ruleId === 'base-image-not-slim')?.message ?? '';
    assert.match(message('ruby:3.3'), /ruby:3\.3-slim has the same runtime: about [\d.]+ MB smaller unpacked \([\d.]+ GB vs [\d.]+ MB, ruby:3\.3-slim guessed from the full\/slim ratio of other images\)\.$/);
    assert.doesNotMatch(message('python:3.12'), /guessed/);
  });
  it('the FROM hover lists the guessed slim variant among the smaller ones and says it is a guess', () => {
    const hover = (image: string) => baseImageHover(buildModel(`FROM ${image}\n`).stages[0]);
    const ruby = hover('ruby:3.3');
    assert.match(ruby, /\| ruby:3\.3-slim \(guess\) \| [\d.]+ MB \| [\d.]+ MB\* \| about [\d.]+ MB \|/);
    assert.match(ruby, /- ruby:3\.3-slim: not measured\. Guess: from ruby:3\.3/);
    assert.ok(smallerAlternatives('ruby:3.3').some((a) => a.reference === 'ruby:3.3-slim'));
    // Measured variants carry no such mark.
    assert.doesNotMatch(hover('python:3.12'), /guess/i);
  });
  it('the FROM hover says which ratio an unpacked size was derived with (openjdk has no measured row of its own)', () => {
    // It said 'with the ratio measured for that image family' also where the family has none and
    // the ratio is the median of every measured glibc image.
    const hover = baseImageHover(buildModel('FROM openjdk:17-jdk-slim\n').stages[0]);
    assert.match(hover, /\\\* unpacked size derived from the download size with the unpacked\/compressed ratio of measured rows of the table \(openjdk:17-jdk-slim: compressed x [\d.]+, median unpacked\/compressed of \d+ measured glibc-based Java JDK rows\)\./);
    assert.doesNotMatch(hover, /for that image family/);
  });
  it("sizes a Java JDK on Alpine below the glibc JDK of the same version (it took the Alpine JRE's unpacked/compressed ratio: 497 MB against 475 MB)", () => {
    const alpine = estimateBaseImage('eclipse-temurin:21-jdk-alpine')!;
    const glibc = estimateBaseImage('eclipse-temurin:21-jdk')!;
    assert.equal(glibc.unpackedMeasured, true);
    assert.ok(alpine.unpackedBytes < glibc.unpackedBytes, `${alpine.unpackedBytes}`);
    assert.equal(alpine.unpackedBytes, Math.round(alpine.compressedBytes * row('eclipse-temurin', '21-jdk').uncompressedRatio));
  });
  it("unpacks a download scaled from another variant at the asked variant's ratio, and names its rows", () => {
    // eclipse-temurin:17-jre is sized from 17-jdk-alpine's download; a JRE unpacks as the image's JRE rows do.
    const e = estimateBaseImage('eclipse-temurin:17-jre')!;
    assert.match(e.basis, /^Guess: from eclipse-temurin:17-jdk-alpine .*; unpacked from the table unpacked\/compressed ratio of eclipse-temurin:21-jre;/);
    const jre = row('eclipse-temurin', '21-jre', 'linux/arm64/v8');
    assert.deepEqual(e.unpackedFrom, [jre]);
    assert.equal(e.unpackedBytes, Math.round(e.compressedBytes * jre.uncompressedRatio));
    const hover = baseImageHover(buildModel('FROM eclipse-temurin:17-jre\n').stages[0]);
    assert.match(hover, /\(eclipse-temurin:17-jre: compressed x [\d.]+, median unpacked\/compressed of 1 measured eclipse-temurin JRE row\)/);
    assert.match(hover, /remote\/21-jre\.md/);
    // A candidate of the asked variant keeps its own ratio.
    assert.equal(estimateBaseImage('eclipse-temurin:21-jre-alpine')!.unpackedFrom, undefined);
  });
});

describe('createSizeModel reads each image when first asked', () => {
  // The model reads an image's rows on its first question about it, and the ratios across images
  // only when an image has none of its own: every answer must be the one a model that had read
  // everything first gives, whatever was asked before.
  const platforms = [undefined, 'linux/arm64', 'linux/s390x'];
  const refs = [...new Set(BASE_IMAGE_ROWS.flatMap((r) => [`${r.image}:${r.tag}`, `${r.image}:${r.tag}-slim`, `${r.image}:${r.tag}-alpine`, `${r.image}:${r.tag.replace(/\d+$/, '99')}`]))];
  refs.push('python:3.12-bookworm', 'ruby:3.3', 'openjdk:21-jdk-oraclelinux8', 'arm64v8/node:22', 'scratch', 'nosuch:1');
  const answers = (model: SizeModel, ref: string) => JSON.stringify(platforms.map((p) => [model.estimateBaseImage(ref, p), model.smallerAlternatives(ref, p, { staticBinary: true }), model.slimVariant(ref)]));
  it(`${refs.length} references: the same in a new model each, in one model in either order, and after the ratios across images were built`, () => {
    const alone = refs.map((ref) => answers(createSizeModel(BASE_IMAGE_ROWS), ref));
    const forward = createSizeModel(BASE_IMAGE_ROWS);
    const backward = createSizeModel(BASE_IMAGE_ROWS);
    const acrossFirst = createSizeModel(BASE_IMAGE_ROWS);
    // A tag on a named distribution asks which distributions have -slim rows: every image is read.
    acrossFirst.slimVariant('debian:bookworm');
    assert.deepEqual(refs.map((ref) => answers(forward, ref)), alone);
    assert.deepEqual(refs.map((ref) => answers(acrossFirst, ref)), alone);
    assert.deepEqual([...refs].reverse().map((ref) => answers(backward, ref)).reverse(), alone);
  });
});
