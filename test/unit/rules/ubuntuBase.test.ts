/**
 * On an Ubuntu base, the apt figures (the lists' measured size, the Installed-Size of packages
 * and recommendations) come from Debian bookworm: the messages and the estimate's bases say so.
 */
import * as assert from 'node:assert/strict';
import { analyze } from '../../../server/src/core/analyze';
import { aptBase, estimateImage } from '../../../server/src/core/imageEstimate';
import { buildModel } from '../../../server/src/core/model';

const ENV = { context: {} };
const RUN = 'RUN apt-get update && apt-get install -y curl\n';

/** apt-clean-keeps-lists gives the lists figure only while apt-lists-kept does not (one cost, reported once). */
const LISTS_OFF = { severities: { 'apt-lists-kept': 'off' as const } };

function finding(text: string, ruleId: string, settings = {}) {
  const f = analyze(text, ENV, settings).findings.find((x) => x.ruleId === ruleId);
  assert.ok(f, ruleId);
  return f;
}

describe('apt figures on an Ubuntu base', () => {
  it('tells Ubuntu and the images built on it from Debian, the full language images and non-Debian bases', () => {
    const base = (from: string) => aptBase(buildModel(`FROM ${from}\n`).stages[0]);
    // Rocker's R images (r-ver and those built on it) and the Jupyter Docker Stacks build on Ubuntu LTS.
    for (const from of ['ubuntu:22.04', 'ubuntu', 'docker.io/library/ubuntu:noble', 'eclipse-temurin:21-jre', 'nvidia/cuda:12.2.0-runtime-ubuntu22.04', 'mcr.microsoft.com/dotnet/runtime:8.0-jammy', 'rocker/r-ver:4.4.1', 'rocker/shiny:latest', 'rocker/tidyverse', 'quay.io/jupyter/scipy-notebook:2024-10-07', 'jupyter/base-notebook']) {
      assert.equal(base(from), 'ubuntu', from);
    }
    for (const from of ['debian:bookworm', 'python:3.12-slim', 'node:20-bookworm-slim', 'mcr.microsoft.com/dotnet/runtime:8.0', 'rocker/r-base:4.4.1', 'rocker/r-devel']) assert.equal(base(from), 'debian', from);
    assert.equal(base('buildpack-deps:jammy'), 'full');
    assert.equal(base('eclipse-temurin:21-jre-alpine'), 'other');
    for (const from of ['maven:3-eclipse-temurin-21', 'maven:3.9', 'gradle:jdk21']) assert.equal(base(from), 'ubuntu', from);
    for (const from of ['maven:3-amazoncorretto-21', 'mcr.microsoft.com/dotnet/runtime:8.0-noble-chiseled', 'gradle:jdk21-alpine']) assert.equal(base(from), 'other', from);
  });

  it('says the lists and the recommendations were sized with Debian figures', () => {
    const text = `FROM ubuntu:22.04\n${RUN}`;
    const lists = finding(text, 'apt-lists-kept');
    assert.match(lists.message, /about \d+ MB on Debian bookworm; an Ubuntu base's lists were not measured[.)]/);
    assert.match(lists.saving!.basis, /standing in for the Ubuntu base's/);
    const recommends = finding(text, 'apt-recommends');
    assert.match(recommends.message, /by Debian bookworm's package index \(Ubuntu's differs\)/);
    assert.match(recommends.saving!.basis, /standing in for the Ubuntu base's/);
  });

  it('says so wherever the lists figure is given: the index in its own RUN, apt-get clean, the lists deleted a RUN later', () => {
    const split = (from: string) => `FROM ${from}\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl\nRUN apt-get update && apt-get install -y --no-install-recommends git && apt-get clean\n`;
    const later = (from: string) => `FROM ${from}\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nRUN rm -rf /var/lib/apt/lists/*\n`;
    // The deleted lists are apt-lists-kept's figure on the update's RUN while it is shown (counted there): read with it off.
    const ubuntuRm = finding(later('ubuntu:22.04'), 'files-changed-in-later-layer', LISTS_OFF);
    assert.match(ubuntuRm.message, /about \d+ MB on Debian bookworm; an Ubuntu base's lists were not measured\)/);
    assert.match(ubuntuRm.saving!.basis, /standing in for the Ubuntu base's/);
    assert.doesNotMatch(`${finding(later('debian:bookworm'), 'files-changed-in-later-layer', LISTS_OFF).message}`, /Ubuntu/);
    // Both give the figure where apt-lists-kept does not (it counts it when shown).
    for (const rule of ['index-update-in-separate-run', 'apt-clean-keeps-lists']) {
      const ubuntu = finding(split('ubuntu:22.04'), rule, LISTS_OFF);
      assert.match(ubuntu.message, /about \d+ MB on Debian bookworm; an Ubuntu base's lists were not measured[.)]/, rule);
      assert.match(ubuntu.saving!.basis, /standing in for the Ubuntu base's/, rule);
      const debian = finding(split('debian:bookworm'), rule, LISTS_OFF);
      assert.doesNotMatch(`${debian.message} ${debian.saving!.basis}`, /Ubuntu base/, rule);
    }
  });

  it('keeps the Debian wording on Debian', () => {
    const text = `FROM debian:bookworm\n${RUN}`;
    assert.doesNotMatch(finding(text, 'apt-lists-kept').message, /Ubuntu|on Debian bookworm/);
    assert.doesNotMatch(finding(text, 'apt-recommends').message, /Ubuntu|package index/);
  });

  it('puts the caveat on the image estimate parts sized from the table', () => {
    const parts = (from: string) => estimateImage(buildModel(`FROM ${from}\n${RUN}`), ENV)!.layers.flatMap((l) => l.parts);
    const ubuntu = parts('ubuntu:22.04');
    assert.ok(ubuntu.length >= 2);
    for (const p of ubuntu) {
      assert.ok(p.bytes !== undefined, p.label);
      assert.match(p.basis, /standing in for the Ubuntu base's/, p.label);
    }
    for (const p of parts('debian:bookworm')) assert.doesNotMatch(p.basis, /Ubuntu/, p.label);
  });
});
