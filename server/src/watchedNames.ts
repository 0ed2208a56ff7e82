/**
 * The names of the files and folders whose creation, change or deletion changes the server's
 * findings: ignore files, config and Compose files, the manifests and lockfiles at the top of a
 * build context that the server reads or that choose a fix's entries (the ecosystem markers of
 * context-without-dockerignore), and folders and files the context scan reports. A glob with no
 * `/` in it, so that a watcher with a folder as its base watches that folder's top level only:
 * the VS Code client's watchers (client/src/extension.ts, client/src/outsideWatcher.ts) and the
 * ones the server asks the client for (server/src/lsp/contextWatchers.ts) rely on that.
 */
export const WATCHED_NAMES = '{.dockerignore,*.dockerignore,.dockerfile-size-hints.yaml,.dockerfile-size-hints.yml,.dockerfile-size-hints.json,.hadolint.yaml,.hadolint.yml,compose.yaml,compose.yml,docker-compose.yaml,docker-compose.yml,package.json,package-lock.json,npm-shrinkwrap.json,requirements.txt,pyproject.toml,setup.py,Pipfile,poetry.lock,uv.lock,go.mod,pom.xml,build.gradle,build.gradle.kts,Cargo.toml,node_modules,.git,.venv,venv,dist,build,target,.env,.env.*,*.pem,*.key,.npmrc}';
