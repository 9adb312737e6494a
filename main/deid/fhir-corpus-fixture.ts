// The shared FHIR test corpora (../shared/data/fhir) read and de-identified the way the import
// pipeline does it, for the corpus tests and the `fhir-deid` benchmark.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  STORED_RESOURCE_TYPES,
  type DeidentifiedResource,
  type FhirDeidentifier,
  type PatientContext,
} from './safe-harbor-policy.ts';

const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
export const SYNTHEA = join(DATA, 'fhir/synthea-smart/R4/SYNTHEA');
export const MS_SAMPLES = join(DATA, 'deid/ms-anonymizer/FHIR/samples/fhir-r4-files');
export const BULK = join(DATA, 'fhir/bulk-ndjson-smart/10-patients');
export const HL7 = join(DATA, 'fhir/hl7-r4-examples/spec/hl7.fhir.r4.examples/4.0.1/package');

export type Resource = Record<string, unknown> & { resourceType: string; id?: string };
export interface Entry {
  resource: Resource;
  fullUrl?: string;
}

export function readBundle(path: string): Entry[] {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  return (JSON.parse(text) as { entry?: Entry[] }).entry ?? [];
}

export function readNdjson(path: string): Resource[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Resource);
}

export function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/** De-identifies one bundle as the import pipeline does: patients first, references resolved per bundle. */
export function deidentifyBundle(deid: FhirDeidentifier, entries: Entry[]): DeidentifiedResource[] {
  const fullUrls = new Map<string, string>();
  for (const e of entries)
    if (e.fullUrl && e.resource.id)
      fullUrls.set(e.fullUrl, `${e.resource.resourceType}/${e.resource.id}`);
  const resolveReference = (ref: string) => fullUrls.get(ref);
  const contexts = new Map<string, PatientContext>();
  const out: DeidentifiedResource[] = [];
  for (const e of entries) {
    if (e.resource.resourceType !== 'Patient') continue;
    const identity = deid.identifyPatient(e.resource, e.fullUrl);
    const ctx = deid.contextFor(identity.pseudonym);
    for (const refKey of identity.refKeys) contexts.set(refKey, ctx);
    out.push(deid.deidentifyPatient(e.resource, ctx, e.fullUrl));
  }
  for (const e of entries) {
    const type = e.resource.resourceType;
    if (type === 'Patient' || !STORED_RESOURCE_TYPES.has(type)) continue;
    const refKey = deid.patientRefKeyOf(e.resource, resolveReference);
    const ctx = refKey === null ? undefined : contexts.get(refKey);
    if (!ctx) throw new Error(`${type}/${e.resource.id} names no known patient`);
    out.push(deid.deidentify(e.resource, ctx, { fullUrl: e.fullUrl, resolveReference }));
  }
  return out;
}

/** Every line of the bulk export, Patient lines first (their file is read before the others). */
export function readBulkExport(): Resource[] {
  const files = readdirSync(BULK)
    .filter((f) => f.endsWith('.ndjson') && f !== 'log.ndjson')
    .sort(
      (a, b) =>
        Number(b.startsWith('Patient.')) - Number(a.startsWith('Patient.')) || a.localeCompare(b),
    );
  return files.flatMap((f) => readNdjson(join(BULK, f)));
}

/** De-identifies an NDJSON export as the pipeline does: references are plain `Type/id`, no resolver. */
export function deidentifyExport(deid: FhirDeidentifier, resources: Resource[]): DeidentifiedResource[] {
  const contexts = new Map<string, PatientContext>();
  const outputs: DeidentifiedResource[] = [];
  for (const resource of resources) {
    if (resource.resourceType === 'Patient') {
      const identity = deid.identifyPatient(resource);
      const ctx = deid.contextFor(identity.pseudonym);
      for (const refKey of identity.refKeys) contexts.set(refKey, ctx);
      outputs.push(deid.deidentifyPatient(resource, ctx));
    } else if (STORED_RESOURCE_TYPES.has(resource.resourceType)) {
      const refKey = deid.patientRefKeyOf(resource);
      const ctx = refKey === null ? undefined : contexts.get(refKey);
      if (!ctx) throw new Error(`${resource.resourceType}/${resource.id} names no known patient`);
      outputs.push(deid.deidentify(resource, ctx));
    }
  }
  return outputs;
}
