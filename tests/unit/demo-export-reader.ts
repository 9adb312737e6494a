// Test support: reads a generated institution folder back from its files alone (NDJSON, VCF,
// sample sheet) and recomputes each index admission's readmission features and label, the way
// an importer plus feature pipeline would. It shares only the published tables (Charlson codes,
// PGx alleles, coefficients) with the generator, not its simulation state.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { charlsonCategoryOfIcd10, charlsonCategoryOfSnomed, charlsonIndex } from '../../main/demo/charlson-vocabulary.ts';
import type { CharlsonCategory } from '../../main/demo/charlson-vocabulary.ts';
import { PGX_GENES, PGX_SITES } from '../../main/demo/pgx-defining-positions.ts';
import { pgxPhenotypes } from '../../main/demo/pgx-genotype.ts';
import type { PgxPhenotypes } from '../../main/demo/pgx-genotype.ts';
import type { ReadmissionFeatures } from '../../main/demo/readmission-mechanism.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Minutes since 1970 of a FHIR dateTime, read as local wall-clock time (the offset is fixed per site). */
export function localMinute(dateTime: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(dateTime)!;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0)) / 60_000;
}
const day = (minute: number) => Math.floor(minute / 1440);

/** Every line of every NDJSON file of an export folder, with its file and 1-based line. */
export function* ndjsonLines(fhirDir: string): Generator<{ file: string; line: number; text: string }> {
  for (const file of readdirSync(fhirDir).filter((f) => f.endsWith('.ndjson')).sort()) {
    const lines = readFileSync(join(fhirDir, file), 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    for (const [i, text] of lines.entries()) yield { file, line: i + 1, text };
  }
}

/** Valid resources by type (lines that do not parse or repeat an id already seen are skipped). */
export function readResources(fhirDir: string, skip: (file: string, line: number) => boolean): Map<string, Json[]> {
  const byType = new Map<string, Json[]>();
  const seen = new Set<string>();
  for (const { file, line, text } of ndjsonLines(fhirDir)) {
    if (skip(file, line)) continue;
    const resource = JSON.parse(text) as Json;
    const key = `${resource.resourceType}/${resource.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!byType.has(resource.resourceType)) byType.set(resource.resourceType, []);
    byType.get(resource.resourceType)!.push(resource);
  }
  return byType;
}

/** PGx phenotypes per MRN from the bgzipped VCF and its sample sheet (phased genotypes). */
export function readPgxByMrn(vcfPath: string, sampleSheetPath: string): Map<string, PgxPhenotypes> {
  const mrnOf = new Map(readFileSync(sampleSheetPath, 'utf8').trim().split('\n').slice(1).map((l) => {
    const [sample, , mrn] = l.split(',');
    return [sample!, mrn!] as const;
  }));
  const lines = gunzipSync(readFileSync(vcfPath)).toString('utf8').split('\n');
  const header = lines.find((l) => l.startsWith('#CHROM'))!.split('\t');
  const samples = header.slice(9);
  const alleleAt = new Map<string, string[][]>(); // rsid -> per sample [h0, h1] allele strings
  for (const line of lines) {
    if (line.startsWith('#') || line === '') continue;
    const cols = line.split('\t');
    if (cols.length !== header.length) continue;
    const site = PGX_SITES.find((s) => s.rsid === cols[2]);
    if (!site) continue;
    const alleles = [cols[3]!, ...cols[4]!.split(',')];
    alleleAt.set(site.rsid, cols.slice(9).map((gt) => gt.split(/[|/]/).map((a) => alleles[Number(a)]!)));
  }
  const out = new Map<string, PgxPhenotypes>();
  samples.forEach((sample, s) => {
    const diplotypes = new Uint8Array(PGX_GENES.length * 2);
    PGX_GENES.forEach((gene, g) => {
      const sites = PGX_SITES.filter((x) => x.gene === gene.gene);
      for (let h = 0; h < 2; h++) {
        const index = gene.haplotypes.findIndex((hap) => sites.every((x) => alleleAt.get(x.rsid)![s]![h] === (hap.alleles[x.rsid] ?? x.ref)));
        if (index < 0) throw new Error(`${sample}: no ${gene.gene} haplotype matches`);
        diplotypes[g * 2 + h] = index;
      }
    });
    out.set(mrnOf.get(sample)!, pgxPhenotypes(diplotypes));
  });
  return out;
}

const RXNORM = { clopidogrel: '309362', capecitabine: '200328', azathioprine: '197388', warfarin: '855332', simvastatin: '312961' };

/** Features and label of one index admission recomputed from the files. */
export interface RecomputedAdmission {
  features: Omit<ReadmissionFeatures, 'siteEffect'>;
  readmittedWithin30Days: boolean;
}

/** Recomputes the features of the given index encounters from an institution's exported files. */
export function recomputeAdmissions(resources: Map<string, Json[]>, pgxByMrn: Map<string, PgxPhenotypes>, encounterIds: readonly string[]): Map<string, RecomputedAdmission> {
  const patients = new Map((resources.get('Patient') ?? []).map((p) => [p.id as string, p]));
  const ref = (r: Json | undefined) => String(r?.reference ?? '').split('/')[1]!;
  const encountersOf = new Map<string, Json[]>();
  for (const e of resources.get('Encounter') ?? []) {
    const pid = ref(e.subject);
    if (!encountersOf.has(pid)) encountersOf.set(pid, []);
    encountersOf.get(pid)!.push(e);
  }
  const conditionsOf = new Map<string, { category: CharlsonCategory; day: number }[]>();
  for (const c of resources.get('Condition') ?? []) {
    const category = (c.code.coding as Json[]).map((k) => (k.system === 'http://hl7.org/fhir/sid/icd-10-cm' ? charlsonCategoryOfIcd10(k.code) : charlsonCategoryOfSnomed(k.code))).find((x) => x !== null) ?? null;
    if (!category) continue;
    const pid = ref(c.subject);
    if (!conditionsOf.has(pid)) conditionsOf.set(pid, []);
    conditionsOf.get(pid)!.push({ category, day: day(localMinute(c.onsetDateTime ?? c.recordedDate)) });
  }
  const labsOf = new Map<string, Json[]>();
  for (const o of resources.get('Observation') ?? []) {
    const eid = ref(o.encounter);
    if (!labsOf.has(eid)) labsOf.set(eid, []);
    labsOf.get(eid)!.push(o);
  }
  const medsOf = new Map<string, Set<string>>();
  for (const m of resources.get('MedicationRequest') ?? []) {
    const eid = ref(m.encounter);
    if (!medsOf.has(eid)) medsOf.set(eid, new Set());
    medsOf.get(eid)!.add(m.medicationCodeableConcept.coding[0].code);
  }
  const encounterById = new Map((resources.get('Encounter') ?? []).map((e) => [e.id as string, e]));
  const out = new Map<string, RecomputedAdmission>();
  for (const id of encounterIds) {
    const enc = encounterById.get(id)!;
    const pid = ref(enc.subject);
    const patient = patients.get(pid)!;
    const start = localMinute(enc.period.start);
    const end = localMinute(enc.period.end);
    const admitDay = day(start);
    const mine = encountersOf.get(pid) ?? [];
    const last = (loinc: string) => (labsOf.get(id) ?? []).filter((o) => o.code.coding[0].code === loinc)
      .sort((a, b) => localMinute(a.effectiveDateTime) - localMinute(b.effectiveDateTime)).at(-1);
    const hb = last('718-7');
    const na = last('2951-2');
    const meds = medsOf.get(id) ?? new Set<string>();
    const mrn = (patient.identifier as Json[]).find((i) => i.type?.coding?.[0]?.code === 'MR')!.value as string;
    const pgx = pgxByMrn.get(mrn);
    const on = (drug: keyof typeof RXNORM) => meds.has(RXNORM[drug]);
    const birth = localMinute(patient.birthDate);
    const b = new Date(day(birth) * 86_400_000);
    const a = new Date(admitDay * 86_400_000);
    let age = a.getUTCFullYear() - b.getUTCFullYear();
    if (a.getUTCMonth() < b.getUTCMonth() || (a.getUTCMonth() === b.getUTCMonth() && a.getUTCDate() < b.getUTCDate())) age--;
    const categories = (conditionsOf.get(pid) ?? []).filter((c) => c.day <= admitDay).map((c) => c.category);
    out.set(id, {
      features: {
        lengthOfStayDays: day(end) - admitDay,
        emergencyAdmission: enc.hospitalization?.admitSource?.coding?.[0]?.code === 'emd',
        charlsonIndex: charlsonIndex(categories),
        priorEdVisits6m: mine.filter((e) => e.class.code === 'EMER' && localMinute(e.period.start) >= start - 182 * 1440 && localMinute(e.period.start) < start).length,
        priorAdmissions12m: mine.filter((e) => e.class.code === 'IMP' && localMinute(e.period.start) >= start - 365 * 1440 && localMinute(e.period.start) < start).length,
        dischargeHemoglobinGdl: hb ? (hb.valueQuantity.unit === 'g/L' ? hb.valueQuantity.value / 10 : hb.valueQuantity.value) : null,
        dischargeSodiumMmolL: na ? na.valueQuantity.value : null,
        activeMedications: meds.size,
        ageYears: age,
        oncology: categories.includes('malignancy') || categories.includes('metastaticSolidTumor'),
        clopidogrelCyp2c19Poor: on('clopidogrel') && !!pgx?.cyp2c19PoorMetabolizer,
        clopidogrelCyp2c19Intermediate: on('clopidogrel') && !!pgx?.cyp2c19IntermediateMetabolizer,
        capecitabineDpydReduced: on('capecitabine') && !!pgx?.dpydReducedActivity,
        azathioprineThiopurineIntolerant: on('azathioprine') && !!pgx?.thiopurineIntolerance,
        warfarinHighSensitivity: on('warfarin') && !!pgx?.warfarinHighSensitivity,
        simvastatinSlco1b1Decreased: on('simvastatin') && !!pgx?.slco1b1DecreasedFunction,
      },
      readmittedWithin30Days: mine.some((e) => e.class.code === 'IMP' && localMinute(e.period.start) > end && day(localMinute(e.period.start)) - day(end) <= 30),
    });
  }
  return out;
}

/** Parses a ground-truth CSV into objects keyed by column. */
export function readTruth(path: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = head!.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [columns[i]!, v])));
}
