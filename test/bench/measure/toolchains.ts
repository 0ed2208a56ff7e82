/**
 * Caches that language toolchains leave in a layer, measured with toolchains from Debian's
 * packages (the only registry besides npm these machines reach). Each case builds one small
 * program three ways on the official-like base: the plain build (the smell), the same RUN with the
 * cache cleaned, and the same RUN with a BuildKit cache mount. Used by run.ts, which can run them
 * alone: `npm run bench:measure -- go-build-cache`.
 */
import type { Engine } from '../../support/engine';
import type { BuildResult, Measurement } from './types';

export interface CaseKit {
  engine: Engine;
  officialImage: string;
  log(m: string): void;
  build(dockerfile: string, opts: { network: 'host' | 'none'; files?: Record<string, string>; tag?: string; buildkit?: boolean }): Promise<BuildResult>;
  /** `du -ab` style listing of paths in an image, for the record. */
  contents(image: string, paths: string): Promise<string[]>;
}

export interface ToolchainCase {
  id: string;
  title: string;
  measure(kit: CaseKit): Promise<Measurement>;
}

const MIRROR = process.env.DSH_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const INSTALL = (pkgs: string, target = '') =>
  `apt-get update && apt-get install -y --no-install-recommends ${target ? `-t ${target} ` : ''}${pkgs} && rm -rf /var/lib/apt/lists/*`;
const BACKPORTS_SOURCE =
  `printf 'Types: deb\\nURIs: ${MIRROR}\\nSuites: bookworm-backports\\nComponents: main\\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\\n'` +
  ' > /etc/apt/sources.list.d/backports.sources';

/** A small JSON-over-HTTP server that needs only Go's standard library. */
const GO_MAIN = `package main

import (
	"encoding/json"
	"log"
	"net/http"
	"time"
)

type status struct {
	Service string    \`json:"service"\`
	Time    time.Time \`json:"time"\`
	Path    string    \`json:"path"\`
}

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(status{Service: "hello", Time: time.Now(), Path: r.URL.Path}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
`;
const GO_MOD = 'module example.com/hello\n\ngo 1.19\n';

let tagCounter = 0;

async function statBytes(kit: CaseKit, image: string, path: string): Promise<number> {
  return Number((await kit.engine.dockerOk(['run', '--rm', '--network', 'none', image, 'stat', '-c', '%s', path])).trim());
}

/** What differs between the toolchain cases; measureCase does the builds and the record. */
interface CaseSpec {
  id: string;
  title: string;
  /** What to log while the toolchain is installed. */
  preparing: string;
  /** The prepared image's Dockerfile after its FROM line (built with the network, to reach Debian's mirror). */
  prepare: string;
  files: Record<string, string>;
  /** Prints the toolchain's versions (its lines are joined with '; '). */
  versionCommand: string;
  /** The smelly RUN's command, the fixed one, and the same build with a cache mount (BuildKit), all with no network. */
  smelly: string;
  fixed: string;
  cacheMount?: string;
  /** Paths listed in the smelly image for the record. */
  contents: string;
  note(kit: CaseKit, version: string, smellyTag: string): Promise<string>;
  output: string;
  outputBytes(kit: CaseKit, fixedTag: string, fixed: BuildResult): Promise<number>;
}

function toolchainCase(c: CaseSpec): ToolchainCase {
  return { id: c.id, title: c.title, measure: (kit) => measureCase(kit, c) };
}

async function measureCase(kit: CaseKit, c: CaseSpec): Promise<Measurement> {
  const prep = `localhost/dsh-bench:${c.id}-base-${++tagCounter}`;
  kit.log(`${c.id}: preparing ${c.preparing}`);
  await kit.build(`FROM ${kit.officialImage}\n${c.prepare}`, { network: 'host', files: c.files, tag: prep });
  const version = (await kit.engine.dockerOk(['run', '--rm', '--network', 'none', prep, 'sh', '-c', c.versionCommand])).trim().replace(/\n/g, '; ');
  kit.log(`${c.id}: ${version}`);
  const smellyTag = `${prep}-smelly`;
  const smelly = await kit.build(`FROM ${prep}\nRUN ${c.smelly}\n`, { network: 'none', tag: smellyTag });
  const fixedTag = `${prep}-fixed`;
  const fixed = await kit.build(`FROM ${prep}\nRUN ${c.fixed}\n`, { network: 'none', tag: fixedTag });
  const cacheMount = c.cacheMount ? await kit.build(`FROM ${prep}\nRUN ${c.cacheMount}\n`, { network: 'none', buildkit: true }) : undefined;
  return {
    id: c.id,
    title: c.title,
    base: kit.officialImage,
    smelly,
    fixed,
    ...(cacheMount ? { cacheMount } : {}),
    deltaBytes: smelly.imageBytes - fixed.imageBytes,
    smellyContents: await kit.contents(smellyTag, c.contents),
    note: await c.note(kit, version, smellyTag),
    toolVersion: version,
    measuredOn: new Date().toISOString(),
    outputBytes: await c.outputBytes(kit, fixedTag, fixed),
    output: c.output,
  };
}

/**
 * Go's build cache: `go build` of the server above with golang-go from bookworm (Go 1.19, whose
 * standard library comes precompiled in GOROOT) or from bookworm-backports (a Go of 1.20 or later,
 * which compiles the standard library into the build cache, as the official golang images do).
 */
function goCase(id: string, backports: boolean): ToolchainCase {
  const from = backports ? 'bookworm-backports' : 'bookworm';
  const title = `Go build cache left by \`go build\` (golang-go from ${from}; a net/http + encoding/json server, standard library only)`;
  const BUILD = 'go build -o /usr/local/bin/hello .';
  const install = backports ? `${BACKPORTS_SOURCE} && ${INSTALL('golang-go', 'bookworm-backports')}` : INSTALL('golang-go');
  return toolchainCase({
        id,
        title,
        preparing: `golang-go from ${from}`,
        prepare: `RUN ${install}\nCOPY go.mod main.go /src/\nWORKDIR /src\n`,
        files: { 'go.mod': GO_MOD, 'main.go': GO_MAIN },
        versionCommand: 'go version',
        smelly: BUILD,
        fixed: `${BUILD} && go clean -cache`,
        cacheMount: `--mount=type=cache,target=/root/.cache/go-build ${BUILD}`,
        contents: '/root/.cache',
        note: async (_kit, version) =>
          `${version} (Debian golang-go from ${from}); GOCACHE is /root/.cache/go-build. The fixed RUN ends with \`go clean -cache\`; cacheMount is the same build with ` +
          '`--mount=type=cache,target=/root/.cache/go-build` under BuildKit. No module is downloaded (standard library only), so GOMODCACHE stays empty: the module cache is not measured here.',
        output: 'the hello binary (not stripped)',
        outputBytes: (kit, fixedTag) => statBytes(kit, fixedTag, '/usr/local/bin/hello'),
  });
}

/** A small program with a few common crates: JSON in and out with serde derive, and a regex. */
const RUST_MAIN = `use regex::Regex;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug)]
struct Entry {
    name: String,
    version: String,
}

fn main() {
    let re = Regex::new(r"^(?P<name>[a-z0-9_-]+)@(?P<version>\d+\.\d+\.\d+)$").unwrap();
    let entries: Vec<Entry> = std::env::args()
        .skip(1)
        .filter_map(|a| re.captures(&a).map(|c| Entry { name: c["name"].to_string(), version: c["version"].to_string() }))
        .collect();
    println!("{}", serde_json::to_string_pretty(&entries).unwrap());
}
`;
const CARGO_TOML = `[package]
name = "hello"
version = "0.1.0"
edition = "2021"

[dependencies]
serde = { version = "1", features = ["derive"] }
serde_json = "1"
regex = "1"
`;
/** crates.io replaced by the crates Debian's librust-*-dev packages unpack (a directory source). */
const CARGO_CONFIG = `[source.crates-io]
replace-with = "debian"

[source.debian]
directory = "/usr/share/cargo/registry"
`;
const RUST_CRATES = 'librust-serde+serde-derive-dev librust-serde-json-dev librust-regex+default-dev';

/**
 * Cargo's target/ after `cargo build --release` of the program above, with Debian's cargo and
 * rustc and the crates Debian packages. A directory source is read in place, so cargo downloads
 * nothing into ~/.cargo/registry: only target/ is measured.
 */
const CARGO_BUILD = 'cargo build --release && cp target/release/hello /usr/local/bin/hello';
const rustCase = toolchainCase({
      id: 'cargo-target',
      title: 'Cargo target/ left by `cargo build --release` (Debian cargo and crates: serde with derive, serde_json, regex)',
      preparing: `cargo, rustc and ${RUST_CRATES}`,
      prepare: `RUN ${INSTALL(`cargo rustc ${RUST_CRATES}`)}\nCOPY config.toml /root/.cargo/config.toml\nCOPY Cargo.toml /src/\nCOPY main.rs /src/src/\nWORKDIR /src\n`,
      files: { 'config.toml': CARGO_CONFIG, 'Cargo.toml': CARGO_TOML, 'main.rs': RUST_MAIN },
      versionCommand: 'cargo --version && rustc --version',
      smelly: CARGO_BUILD,
      fixed: `${CARGO_BUILD} && rm -rf target`,
      cacheMount: `--mount=type=cache,target=/src/target ${CARGO_BUILD}`,
      contents: '/src/target /root/.cargo',
      note: async (kit, version, smellyTag) => {
        const crates = (await kit.engine.dockerOk(['run', '--rm', '--network', 'none', smellyTag, 'sh', '-c', "sed -n 's/^name = \"\\(.*\\)\"$/\\1/p; s/^version = \"\\(.*\\)\"$/\\1/p' Cargo.lock | paste -d@ - - | tr '\\n' ' '"])).trim();
        return (
          `${version}; crates from Debian (${RUST_CRATES}) through a directory source replacing crates.io; Cargo.lock: ${crates}. ` +
          'The fixed RUN ends with `rm -rf target` after copying the binary out; cacheMount is the same build with `--mount=type=cache,target=/src/target` under BuildKit. ' +
          'A directory source is read in place, so ~/.cargo/registry stays empty: the registry cache (index, .crate files, unpacked sources) is not measured here.'
        );
      },
      output: 'the hello binary (release, not stripped)',
      outputBytes: (kit, fixedTag) => statBytes(kit, fixedTag, '/usr/local/bin/hello'),
});

/**
 * A gem built here from the Ruby sources of Debian's ruby-rack (no gem host is reachable): its
 * lib/ folder and a gemspec of ours. ruby-rack is removed again, so the gem is not installed yet.
 */
const GEMSPEC = `Gem::Specification.new do |s|
  s.name = 'rack'
  s.version = ENV.fetch('RACK_VERSION')
  s.summary = 'rack lib/ from Debian ruby-rack, rebuilt as a gem for the size bench'
  s.authors = ['bench']
  s.license = 'MIT'
  s.files = Dir['lib/**/*.rb']
end
`;
const PREPARE_GEM =
  'mkdir -p /srv/rack/lib && lib="$(dirname "$(ruby -e \'require "rack"; print $LOADED_FEATURES.grep(%r{/rack\\.rb$}).first\')")" && ' +
  'cp -r "$lib/rack.rb" "$lib/rack" /srv/rack/lib/ && ' +
  'cd /srv/rack && RACK_VERSION="$(dpkg-query -W -f \'${Version}\' ruby-rack | sed \'s/-.*//\')" gem build /srv/rack.gemspec && ' +
  'apt-get purge -y ruby-rack && rm -rf /var/lib/apt/lists/*';

/** ri documentation that `gem install` writes, with Debian's ruby and rdoc. */
const INSTALL_GEM = 'gem install --local /srv/rack/rack-*.gem';
const gemCase = toolchainCase({
      id: 'gem-documentation',
      title: 'ri documentation written by `gem install` (rack built from Debian ruby-rack sources, local .gem)',
      preparing: 'ruby and a rack gem',
      prepare: `COPY rack.gemspec /srv/\nRUN apt-get update && apt-get install -y --no-install-recommends ruby ruby-rack && ${PREPARE_GEM}\n`,
      files: { 'rack.gemspec': GEMSPEC },
      versionCommand: 'ruby --version && gem --version && ls /srv/rack/*.gem',
      smelly: INSTALL_GEM,
      fixed: `${INSTALL_GEM} --no-document`,
      contents: '/var/lib/gems',
      note: async (_kit, version) =>
        `${version}; the gem holds lib/**/*.rb of Debian's ruby-rack (removed again before the measured builds), with a gemspec of ours. ` +
        'The fixed RUN adds --no-document; outputBytes is its layer: the installed gem, the copy of the .gem RubyGems keeps in cache/, and its spec.',
      output: 'the layer of `gem install --no-document` (the installed gem, its cached .gem and spec)',
      outputBytes: async (_kit, _tag, fixed) => fixed.addedLayers[fixed.addedLayers.length - 1]?.bytes ?? 0,
});

export const TOOLCHAIN_CASES: ToolchainCase[] = [goCase('go-build-cache', true), goCase('go-build-cache-go119', false), rustCase, gemCase];
