#!/usr/bin/env node
// Seeds Observable Framework's npm cache from node_modules so `observable build` never reaches a CDN.
// Why: Framework resolves implicit imports (Plot, d3, DuckDB-Wasm, …) by fetching cdn.jsdelivr.net unless
// `<root>/.observablehq/cache/_npm/<name>@<version>/` already holds the file (see notes/framework-offline.md).
import {copyFile, mkdir, readFile, stat, writeFile} from "node:fs/promises";
import {createRequire} from "node:module";
import {dirname, join, relative} from "node:path";
import {build} from "esbuild";

const root = process.argv[2] ?? "src";
const cacheDir = join(root, ".observablehq", "cache", "_npm");
const require = createRequire(import.meta.url);

/** Packages bundled to `_esm.js`; `extraFiles` are copied beside it keeping their sub-paths. */
const SEEDED = [
  {name: "htl"},
  {name: "isoformat"},
  {name: "d3-dsv"},
  {name: "d3"},
  {name: "@observablehq/plot"},
  {name: "apache-arrow"},
  {name: "parquet-wasm", withDefault: true, extraFiles: ["esm/parquet_wasm_bg.wasm"]},
  {
    name: "@duckdb/duckdb-wasm",
    external: "apache-arrow",
    extraFiles: [
      "dist/duckdb-mvp.wasm",
      "dist/duckdb-browser-mvp.worker.js",
      "dist/duckdb-eh.wasm",
      "dist/duckdb-browser-eh.worker.js"
    ]
  }
];

/** Libraries Framework's client only needs a version for: an empty folder stops the registry lookup. */
const VERSION_ONLY = [
  "lodash@4.17.21",
  "arquero@8.0.3",
  "echarts@5.6.0",
  "leaflet@1.9.4",
  "mapbox-gl@3.9.4",
  "react@19.1.0",
  "react-dom@19.1.0",
  "topojson-client@3.1.0",
  "@observablehq/sample-datasets@1.0.1"
];

async function exists(path) {
  return stat(path).then(() => true, () => false);
}

async function packageDir(name) {
  // Resolve package.json through node_modules without relying on the package's "exports" map.
  let dir = dirname(require.resolve("@observablehq/framework/package.json"));
  dir = join(dir, "..", "..");
  const candidate = join(dir, name);
  if (await exists(join(candidate, "package.json"))) return candidate;
  throw new Error(`seed: package ${name} is not installed (run npm ci)`);
}

async function versionOf(name) {
  const pkg = JSON.parse(await readFile(join(await packageDir(name), "package.json"), "utf8"));
  return pkg.version;
}

async function checkDuckdbVersion() {
  const {DUCKDB_WASM_VERSION} = await import("@observablehq/framework/dist/duckdb.js");
  const installed = await versionOf("@duckdb/duckdb-wasm");
  if (installed !== DUCKDB_WASM_VERSION) {
    throw new Error(`seed: install @duckdb/duckdb-wasm@${DUCKDB_WASM_VERSION} exactly (found ${installed})`);
  }
}

async function seedPackage({name, withDefault, external, extraFiles = []}, versions) {
  const version = versions.get(name);
  const target = join(cacheDir, `${name}@${version}`);
  const pkgDir = await packageDir(name);
  const wanted = ["_esm.js", ...extraFiles].map((file) => join(target, file));
  if ((await Promise.all(wanted.map(exists))).every(Boolean)) return false;
  await mkdir(target, {recursive: true});
  const contents = `export * from ${JSON.stringify(name)};` + (withDefault ? `export {default} from ${JSON.stringify(name)};` : "");
  const plugins = [];
  if (external) {
    const externalPath = relative(target, join(cacheDir, `${external}@${versions.get(external)}`, "_esm.js"));
    plugins.push({
      name: "share-external",
      setup(b) {
        b.onResolve({filter: new RegExp(`^${external}$`)}, () => ({path: `./${externalPath}`, external: true}));
      }
    });
  }
  await build({
    stdin: {contents, resolveDir: process.cwd(), loader: "js"},
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    logLevel: "error",
    define: {"process.env.NODE_ENV": '"production"'},
    outfile: join(target, "_esm.js"),
    plugins
  });
  for (const file of extraFiles) {
    await mkdir(dirname(join(target, file)), {recursive: true});
    await copyFile(join(pkgDir, file), join(target, file));
  }
  return true;
}

await checkDuckdbVersion();
const versions = new Map();
for (const {name} of SEEDED) versions.set(name, await versionOf(name));
for (const spec of SEEDED) {
  if (await seedPackage(spec, versions)) console.log(`seeded ${spec.name}@${versions.get(spec.name)}`);
}
for (const folder of VERSION_ONLY) await mkdir(join(cacheDir, folder), {recursive: true});
