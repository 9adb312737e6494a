// Bundles the desktop shell with esbuild (node scripts/build-electron.mjs [--production]):
//   electron/main.ts    → electron/dist/main.cjs     (main process: shell + engine)
//   electron/preload.ts → electron/dist/preload.cjs  (sandboxed preload: may require only `electron`)
//   every engine worker → electron/dist/<name>.js    (found from startWorker('<name>', import.meta.url))
// Native addons stay external and load from node_modules or .native/electron (STYLE.md).
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const defaultRoot = fileURLToPath(new URL('..', import.meta.url));

/** Modules that are never bundled: Electron itself and the native addons. */
export const ELECTRON_EXTERNALS = ['electron', 'better-sqlite3', 'onnxruntime-node'];

// CommonJS has no import.meta; the engine uses import.meta.url (worker-entry.ts), so every bundle
// defines it from __filename.
const IMPORT_META_URL = '__dataspaceImportMetaUrl';
const importMetaBanner = `const ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;`;

function listSources(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listSources(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/**
 * Worker entry points of the engine: `startWorker('import-worker', import.meta.url)` in
 * main/pipeline/import-jobs.ts means main/pipeline/import-worker.ts, bundled as import-worker.js
 * into the folder the desktop shell passes as DATASPACE_WORKER_DIR.
 */
export function findWorkerEntries(root = defaultRoot) {
  const entries = new Map();
  const call = /startWorker\(\s*(['"`]?)([^'"`,)]*)\1\s*,/g;
  for (const file of listSources(join(root, 'main'))) {
    if (file.endsWith(join('util', 'worker-entry.ts'))) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(call)) {
      const [, quote, name] = match;
      const where = `${relative(root, file)}: startWorker(${match[0].slice(12, -1)})`;
      if (!quote || !/^[a-z0-9-]+$/.test(name)) throw new Error(`${where}: the worker name must be a literal kebab-case string so it can be bundled.`);
      const source = join(dirname(file), `${name}.ts`);
      if (!existsSync(source)) throw new Error(`${where}: no ${relative(root, source)} next to it.`);
      const previous = entries.get(name);
      if (previous && previous !== source) throw new Error(`Two workers are named "${name}": ${relative(root, previous)} and ${relative(root, source)}.`);
      entries.set(name, source);
    }
  }
  return entries;
}

/** Module names a bundle's code passes to require("..."), a quick textual check for tiny bundles. */
export function requiredModules(code) {
  return [...new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]))].sort();
}

/** What each output of an esbuild metafile imports from outside the bundle: file name → sorted module names. */
function externalImports(metafile) {
  const result = {};
  for (const [output, info] of Object.entries(metafile.outputs)) {
    if (output.endsWith('.map') || output.endsWith('.LEGAL.txt')) continue;
    result[basename(output)] = [...new Set(info.imports.filter((i) => i.external).map((i) => i.path))].sort();
  }
  return result;
}

function commonOptions(root, production, logLevel) {
  return {
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    sourcemap: production ? false : 'linked',
    legalComments: 'linked',
    logLevel,
    metafile: true,
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  };
}

/**
 * Bundles the preload alone. It runs sandboxed, where `require` knows only a few modules, so
 * the bundle must require nothing but `electron`; this is checked, not assumed.
 */
export async function bundlePreload({ root = defaultRoot, outfile, production = false, logLevel = 'warning' }) {
  const { metafile } = await build({
    ...commonOptions(root, production, logLevel),
    platform: 'browser',
    target: 'es2022',
    external: ['electron'],
    entryPoints: [join(root, 'electron', 'preload.ts')],
    outfile,
  });
  const code = readFileSync(outfile, 'utf8');
  const requires = [...new Set([...requiredModules(code), ...Object.values(externalImports(metafile)).flat()])].sort();
  if (requires.join() !== 'electron') {
    throw new Error(`The preload bundle may require only "electron" but requires: ${requires.join(', ')}.`);
  }
  return code;
}

/** Bundles everything into `outdir` (electron/dist by default; tests use a scratch folder). */
export async function buildElectron({ root = defaultRoot, outdir = join(root, 'electron', 'dist'), production = false, logLevel = 'warning' } = {}) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  // The project is "type": "module"; the worker bundles are CommonJS .js files (worker-entry.ts
  // loads `<name>.js`), so this folder declares its own module type.
  writeFileSync(join(outdir, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);

  const common = commonOptions(root, production, logLevel);
  const nodeOptions = {
    ...common,
    platform: 'node',
    target: 'node20',
    external: ELECTRON_EXTERNALS,
    banner: { js: importMetaBanner },
    define: { ...common.define, 'import.meta.url': IMPORT_META_URL },
  };
  const workers = findWorkerEntries(root);
  const results = await Promise.all([
    build({ ...nodeOptions, entryPoints: [join(root, 'electron', 'main.ts')], outfile: join(outdir, 'main.cjs') }),
    ...[...workers].map(([name, source]) => build({ ...nodeOptions, entryPoints: [source], outfile: join(outdir, `${name}.js`) })),
  ]);
  await bundlePreload({ root, outfile: join(outdir, 'preload.cjs'), production, logLevel });
  const externals = Object.assign({ 'preload.cjs': ['electron'] }, ...results.map((r) => externalImports(r.metafile)));
  return { outdir, workers: [...workers.keys()], externals };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const production = process.argv.includes('--production');
  buildElectron({ production })
    .then(({ outdir, workers }) => {
      console.log(`Electron bundles in ${relative(process.cwd(), outdir) || '.'}: main.cjs, preload.cjs${workers.map((w) => `, ${w}.js`).join('')}`);
    })
    .catch((error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
