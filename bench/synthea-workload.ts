// A FHIR Bulk Data workload made of real Synthea resources (the shared test bundles and bulk
// export), copied N times with fresh ids, MRNs and references, so the benchmark sees the shapes,
// sizes and identifier density of real exports rather than lean hand-made resources.
import { createWriteStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';

type Json = Record<string, unknown>;

function loadTemplates(sharedFhir: string): Json[] {
  const resources: Json[] = [];
  const bundles = join(sharedFhir, 'synthea-smart', 'R4', 'SYNTHEA');
  for (const name of readdirSync(bundles).filter((n) => n.endsWith('.json'))) {
    const bundle = JSON.parse(readFileSync(join(bundles, name), 'utf8')) as { entry?: { resource?: Json }[] };
    for (const entry of bundle.entry ?? []) if (entry.resource) resources.push(entry.resource);
  }
  const bulk = join(sharedFhir, 'bulk-ndjson-smart', '10-patients');
  for (const name of readdirSync(bulk).filter((n) => /^[A-Z].*\.ndjson$/.test(n))) {
    for (const line of readFileSync(join(bulk, name), 'utf8').split('\n')) if (line.trim()) resources.push(JSON.parse(line) as Json);
  }
  return resources;
}

/** Rewrites ids and references of copy `k` so every copy is a distinct set of patients. */
function copyOf(template: Json, k: number, typeOfId: Map<string, string>): Json {
  const suffix = `-c${k}`;
  const rewrite = (value: unknown, key: string | null): unknown => {
    if (typeof value === 'string') {
      if (key === 'reference') {
        const urn = /^urn:uuid:(.+)$/.exec(value);
        if (urn) {
          const type = typeOfId.get(urn[1]!);
          return type ? `${type}/${urn[1]}${suffix}` : value;
        }
        return /^[A-Z][A-Za-z]+\/[^/]+$/.test(value) ? `${value}${suffix}` : value;
      }
      return value;
    }
    if (Array.isArray(value)) return value.map((v) => rewrite(v, key));
    if (value && typeof value === 'object') {
      const out: Json = {};
      for (const [k2, v] of Object.entries(value as Json)) out[k2] = rewrite(v, k2);
      if (key === 'identifier' && typeof out.value === 'string') out.value = `${out.value}${suffix}`;
      return out;
    }
    return value;
  };
  const copy = rewrite(template, null) as Json;
  if (typeof copy.id === 'string') copy.id = `${copy.id}${suffix}`;
  return copy;
}

/** Null when the shared data is absent (the caller falls back to the synthetic workload). */
export async function writeSyntheaWorkload(sharedFhir: string, dir: string, targetBytes: number): Promise<{ resources: number; bytes: number; files: string[]; source: string } | null> {
  if (!existsSync(join(sharedFhir, 'synthea-smart')) || !existsSync(join(sharedFhir, 'bulk-ndjson-smart'))) return null;
  const templates = loadTemplates(sharedFhir);
  const typeOfId = new Map(templates.filter((t) => typeof t.id === 'string').map((t) => [t.id as string, t.resourceType as string]));
  const byType = new Map<string, Json[]>();
  for (const t of templates) {
    const type = t.resourceType as string;
    if (!byType.has(type)) byType.set(type, []);
    byType.get(type)!.push(t);
  }
  const types = [...byType.keys()].sort((a, b) => (a === 'Patient' ? -1 : b === 'Patient' ? 1 : a.localeCompare(b)));
  const streams = new Map(types.map((t) => [t, createWriteStream(join(dir, `${t}.000.ndjson`))]));
  let bytes = 0;
  let resources = 0;
  for (let k = 0; bytes < targetBytes; k++) {
    for (const type of types) {
      const stream = streams.get(type)!;
      for (const template of byType.get(type)!) {
        const line = `${JSON.stringify(copyOf(template, k, typeOfId))}\n`;
        bytes += Buffer.byteLength(line);
        resources++;
        if (!stream.write(line)) await once(stream, 'drain');
      }
    }
  }
  await Promise.all([...streams.values()].map((s) => new Promise((r) => s.end(r))));
  return { resources, bytes, files: types.map((t) => join(dir, `${t}.000.ndjson`)), source: 'copies of the shared Synthea bundles and bulk export' };
}
