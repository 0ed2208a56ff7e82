/**
 * build-tools-in-final-image on build tools named in ways it did not read.
 *
 * The .NET SDK is read from the image's path: `mcr.microsoft.com/dotnet/sdk:8.0` is parsed with
 * the name `sdk` under the namespace `dotnet`, and the rule tested the name alone against
 * `dotnet/sdk`, so a single-stage .NET image (`FROM mcr.microsoft.com/dotnet/sdk:8.0`,
 * `dotnet publish`, `ENTRYPOINT ["dotnet", "out/Web.dll"]`) shipped the whole SDK unreported.
 * Where the rule has no runtime image to name, its advice read "ship copy only the build output".
 *
 * The php Alpine images name their compilers in the ENV PHPIZE_DEPS (autoconf, gcc, g++, make,
 * re2c...) without installing them; PHP Dockerfiles add them for `pecl install`:
 * `apk add --no-cache $PHPIZE_DEPS && pecl install redis && docker-php-ext-enable redis`. Kept in
 * the final image, that went unreported (the word is a variable, no package name). The Debian
 * php images keep $PHPIZE_DEPS installed, so an apt install of it adds nothing and is not reported.
 *
 * Compilers and -devel packages installed with dnf, yum or microdnf (UBI, Fedora, Rocky) were not
 * read at all: `FROM registry.access.redhat.com/ubi9/ubi` + `RUN dnf install -y gcc make
 * openssl-devel git && dnf clean all` shipped gcc and the headers unreported.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';

const ENV = { context: {} };

function sdkFindings(text: string) {
  return analyze(text, ENV).findings.filter((f) => f.ruleId === 'build-tools-in-final-image');
}

describe('build-tools-in-final-image: SDK images named by path', () => {
  it('mcr.microsoft.com/dotnet/sdk in the final image is reported, with the runtime images to ship on', () => {
    const [f] = sdkFindings('FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /app\nCOPY . .\nRUN dotnet publish -c Release -o out\nENTRYPOINT ["dotnet", "out/Web.dll"]\n');
    assert.ok(f, 'reported');
    assert.equal(f.severity, 'warning');
    assert.match(f.message, /Build in a builder stage and ship the published output on mcr\.microsoft\.com\/dotnet\/aspnet:8\.0 \(ASP\.NET Core\) or mcr\.microsoft\.com\/dotnet\/runtime:8\.0\./);
  });

  it('the SDK in a builder stage, and the runtime images, are not', () => {
    assert.equal(sdkFindings('FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nRUN dotnet publish -o /out\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=build /out /app\n').length, 0);
    assert.equal(sdkFindings('FROM mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled\nCOPY app /app\n').length, 0);
  });

  it('a JDK whose version the tag does not name gets advice that reads', () => {
    const [f] = sdkFindings('FROM eclipse-temurin:latest\nCOPY . /src\nRUN cd /src && ./mvnw -B package\nCMD ["java", "-jar", "/src/target/app.jar"]\n');
    assert.ok(f);
    assert.match(f.message, /Build in a builder stage and ship only the build output in a runtime image\./);
    // A jar copied in, nothing built: no builder stage to speak of.
    const [copied] = sdkFindings('FROM eclipse-temurin:latest\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n');
    assert.match(copied.message, /Nothing is built in this stage: a JRE image of the same Java version runs the jar\.$/);
  });
});

describe('build-tools-in-final-image: $PHPIZE_DEPS on Alpine', () => {
  it('apk add $PHPIZE_DEPS kept in the final image is reported', () => {
    const [f] = sdkFindings('FROM php:8.3-fpm-alpine\nRUN apk add --no-cache $PHPIZE_DEPS \\\n && pecl install redis \\\n && docker-php-ext-enable redis\n');
    assert.ok(f, 'reported');
    assert.match(f.message, /Build packages stay in the final image \(\$PHPIZE_DEPS\)/);
  });

  it('${PHPIZE_DEPS} beside linux-headers is named with it', () => {
    const [f] = sdkFindings('FROM php:8.3-cli-alpine\nRUN apk add --no-cache ${PHPIZE_DEPS} linux-headers && pecl install swoole\n');
    assert.match(f.message, /\(\$\{PHPIZE_DEPS\}, linux-headers\)/);
  });

  it('removed in the same RUN, in a virtual group, or on a Debian php image: not reported', () => {
    assert.equal(sdkFindings('FROM php:8.3-fpm-alpine\nRUN apk add --no-cache --virtual .build-deps $PHPIZE_DEPS && pecl install redis && docker-php-ext-enable redis && apk del .build-deps\n').length, 0);
    assert.equal(sdkFindings('FROM php:8.3-apache\nRUN apt-get update && apt-get install -y --no-install-recommends $PHPIZE_DEPS && pecl install redis && rm -rf /var/lib/apt/lists/*\n').length, 0);
  });
});

describe('build-tools-in-final-image: dnf, yum and microdnf installs', () => {
  it('dnf install of gcc and -devel packages kept in the final image is reported, with the remove to run', () => {
    const [f] = sdkFindings('FROM registry.access.redhat.com/ubi9/ubi:9.4\nRUN dnf install -y --setopt=install_weak_deps=False gcc gcc-c++ make openssl-devel git && dnf clean all\n');
    assert.ok(f, 'reported');
    assert.match(f.message, /Build packages stay in the final image \(gcc, gcc-c\+\+, openssl-devel\)/);
    assert.match(f.message, /dnf remove -y \.\.\./);
  });

  it('microdnf and yum too', () => {
    assert.match(sdkFindings('FROM registry.access.redhat.com/ubi9/ubi-minimal\nRUN microdnf install -y python3-devel gcc && microdnf clean all\n')[0].message, /\(python3-devel, gcc\).*microdnf remove -y/);
    assert.equal(sdkFindings('FROM centos:7\nRUN yum -y install libffi-devel && yum clean all\n').length, 1);
  });

  it('removed in the same RUN, or in a builder stage: not reported', () => {
    assert.equal(sdkFindings('FROM fedora:41\nRUN dnf install -y gcc python3-devel && pip install psutil && dnf remove -y gcc python3-devel && dnf clean all\n').length, 0);
    assert.equal(sdkFindings('FROM fedora:41 AS build\nRUN dnf install -y gcc && gcc -o /app app.c\nFROM fedora:41\nCOPY --from=build /app /app\n').length, 0);
  });
});
