// A fixed, seeded FHIR Bulk Data workload for the import benchmark: Synthea-shaped resources
// (identifiers, names, addresses, encounters, labs, conditions, medications, procedures).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { seededUniform } from '../main/util/seeded-random.ts';


const LABS = [
  ['718-7', 'Hemoglobin [Mass/volume] in Blood', 'g/dL', 13.5, 2],
  ['2951-2', 'Sodium [Moles/volume] in Serum or Plasma', 'mmol/L', 139, 3],
  ['2160-0', 'Creatinine [Mass/volume] in Serum or Plasma', 'mg/dL', 1.0, 0.3],
  ['2345-7', 'Glucose [Mass/volume] in Serum or Plasma', 'mg/dL', 100, 20],
  ['6298-4', 'Potassium [Moles/volume] in Blood', 'mmol/L', 4.2, 0.4],
] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** Writes NDJSON files under `dir` until about `targetBytes`; returns resource count and bytes. */
export async function writeFhirWorkload(dir: string, targetBytes: number, seed = 42): Promise<{ resources: number; bytes: number; files: string[] }> {
  const random = seededUniform(seed);
  const names = ['Patient', 'Encounter', 'Observation', 'Condition', 'MedicationRequest', 'Procedure'] as const;
  const streams = Object.fromEntries(names.map((n) => [n, createWriteStream(join(dir, `${n}.000.ndjson`))]));
  let bytes = 0;
  let resources = 0;
  const write = async (type: string, resource: object) => {
    const line = JSON.stringify(resource) + '\n';
    bytes += Buffer.byteLength(line);
    resources++;
    const s = streams[type]!;
    if (!s.write(line)) await once(s, 'drain');
  };
  for (let p = 0; bytes < targetBytes; p++) {
    const pid = `bench-patient-${p}`;
    const year = 1930 + Math.floor(random() * 80);
    await write('Patient', {
      resourceType: 'Patient', id: pid,
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">Patient ${p}</div>` },
      identifier: [
        { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR', display: 'Medical Record Number' }] }, system: 'http://hospital.example.org', value: `MRN${100000 + p}` },
        { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'SS' }] }, system: 'http://hl7.org/fhir/sid/us-ssn', value: `999-${pad(p % 100)}-${String(p % 10000).padStart(4, '0')}` },
      ],
      name: [{ use: 'official', family: `Family${p}`, given: [`Given${p}`], prefix: ['Mr.'] }],
      telecom: [{ system: 'phone', value: `555-${String(p % 1000).padStart(3, '0')}-${String(p % 10000).padStart(4, '0')}`, use: 'home' }],
      gender: random() < 0.5 ? 'male' : 'female',
      birthDate: `${year}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`,
      address: [{ line: [`${p} Main Street`], city: 'Springfield', state: 'MA', postalCode: `0${1000 + (p % 8999)}`.slice(0, 5), country: 'US' }],
      maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] },
    });
    const encounters = 3 + Math.floor(random() * 6);
    for (let e = 0; e < encounters; e++) {
      const eid = `${pid}-enc-${e}`;
      const start = 2015 + Math.floor(random() * 8);
      const month = pad(1 + Math.floor(random() * 12));
      const day = 1 + Math.floor(random() * 20);
      const inpatient = random() < 0.3;
      await write('Encounter', {
        resourceType: 'Encounter', id: eid, status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: inpatient ? 'IMP' : 'AMB' },
        type: [{ coding: [{ system: 'http://snomed.info/sct', code: inpatient ? '32485007' : '185349003', display: 'Encounter' }], text: 'Encounter' }],
        subject: { reference: `Patient/${pid}`, display: `Given${p} Family${p}` },
        participant: [{ individual: { reference: 'Practitioner/bench-pr-1', display: 'Dr. Example' } }],
        period: { start: `${start}-${month}-${pad(day)}T08:00:00Z`, end: `${start}-${month}-${pad(day + (inpatient ? 1 + Math.floor(random() * 6) : 0))}T17:00:00Z` },
        serviceProvider: { reference: 'Organization/bench-org-1', display: 'General Hospital' },
      });
      for (const [code, display, unit, mean, sd] of LABS) {
        await write('Observation', {
          resourceType: 'Observation', id: `${eid}-obs-${code}`, status: 'final',
          category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory', display: 'laboratory' }] }],
          code: { coding: [{ system: 'http://loinc.org', code, display }], text: display },
          subject: { reference: `Patient/${pid}` }, encounter: { reference: `Encounter/${eid}` },
          effectiveDateTime: `${start}-${month}-${pad(day)}T09:00:00Z`, issued: `${start}-${month}-${pad(day)}T10:00:00.000Z`,
          valueQuantity: { value: Math.round((mean + (random() - 0.5) * 2 * sd) * 100) / 100, unit, system: 'http://unitsofmeasure.org', code: unit },
        });
      }
      if (random() < 0.5) {
        await write('Condition', {
          resourceType: 'Condition', id: `${eid}-cond`,
          clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
          verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
          code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006', display: 'Diabetes' }], text: 'Diabetes' },
          subject: { reference: `Patient/${pid}` }, encounter: { reference: `Encounter/${eid}` },
          onsetDateTime: `${start}-${month}-${pad(day)}T08:00:00Z`, recordedDate: `${start}-${month}-${pad(day)}T08:00:00Z`,
        });
      }
      if (random() < 0.6) {
        await write('MedicationRequest', {
          resourceType: 'MedicationRequest', id: `${eid}-med`, status: 'active', intent: 'order',
          medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '314076', display: 'lisinopril 10 MG Oral Tablet' }], text: 'lisinopril' },
          subject: { reference: `Patient/${pid}` }, encounter: { reference: `Encounter/${eid}` },
          authoredOn: `${start}-${month}-${pad(day)}T08:00:00Z`, requester: { reference: 'Practitioner/bench-pr-1', display: 'Dr. Example' },
          dosageInstruction: [{ sequence: 1, text: 'Take once daily', timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } }, asNeededBoolean: false }],
        });
      }
      if (random() < 0.3) {
        await write('Procedure', {
          resourceType: 'Procedure', id: `${eid}-proc`, status: 'completed',
          code: { coding: [{ system: 'http://snomed.info/sct', code: '430193006', display: 'Medication Reconciliation' }], text: 'Medication Reconciliation' },
          subject: { reference: `Patient/${pid}` }, encounter: { reference: `Encounter/${eid}` },
          performedPeriod: { start: `${start}-${month}-${pad(day)}T08:00:00Z`, end: `${start}-${month}-${pad(day)}T08:30:00Z` },
        });
      }
    }
  }
  await Promise.all(Object.values(streams).map((s) => new Promise((r) => s.end(r))));
  return { resources, bytes, files: names.map((n) => join(dir, `${n}.000.ndjson`)) };
}
