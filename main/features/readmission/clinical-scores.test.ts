// LACE, HOSPITAL and Charlson against hand-worked examples from the papers' definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hospitalScore, laceScore } from './clinical-scores.ts';
import { CharlsonComorbidity } from './charlson-comorbidity.ts';
import { ageOfGroup, wholeYearsBetween } from './index-admissions.ts';

test('LACE adds length-of-stay, acuity, Charlson and ED points as van Walraven 2010 Table 3 defines them', () => {
  // LOS 5 d → 4; acute → 3; Charlson 2 → 2; 1 ED visit → 1: 10.
  assert.equal(laceScore({ lengthOfStayDays: 5, acuteAdmission: true, charlsonIndex: 2, edVisits6m: 1 }), 10);
  // Same-day stay → 0; elective → 0; Charlson 0; no visits: 0, the minimum.
  assert.equal(laceScore({ lengthOfStayDays: 0, acuteAdmission: false, charlsonIndex: 0, edVisits6m: 0 }), 0);
  // LOS 14 d → 7; acute 3; Charlson 4 or more → 5; ED visits capped at 4: 19, the maximum.
  assert.equal(laceScore({ lengthOfStayDays: 20, acuteAdmission: true, charlsonIndex: 9, edVisits6m: 7 }), 19);
  // LOS boundaries: 3 d → 3, 4 d → 4, 6 d → 4, 7 d → 5, 13 d → 5; Charlson 3 → 3.
  const l = (d: number) => laceScore({ lengthOfStayDays: d, acuteAdmission: false, charlsonIndex: 0, edVisits6m: 0 });
  assert.deepEqual([1, 2, 3, 4, 6, 7, 13, 14].map(l), [1, 2, 3, 4, 4, 5, 5, 7]);
  assert.equal(laceScore({ lengthOfStayDays: 0, acuteAdmission: false, charlsonIndex: 3, edVisits6m: 0 }), 3);
});

test('HOSPITAL scores each Donzé 2013 item and the admission-count bands', () => {
  const base = { dischargeHemoglobinGdl: 13, oncology: false, dischargeSodiumMmolL: 140, procedureDuringStay: false, urgentAdmission: false, admissions12m: 0, lengthOfStayDays: 2 };
  assert.equal(hospitalScore(base), 0);
  // Hb 11.9 (1) + oncology (2) + Na 134 (1) + procedure (1) + urgent (1) + 3 admissions (2) + LOS 5 (2) = 10.
  assert.equal(hospitalScore({ dischargeHemoglobinGdl: 11.9, oncology: true, dischargeSodiumMmolL: 134, procedureDuringStay: true, urgentAdmission: true, admissions12m: 3, lengthOfStayDays: 5 }), 10);
  // The maximum, 13: more than five admissions give 5.
  assert.equal(hospitalScore({ dischargeHemoglobinGdl: 8, oncology: true, dischargeSodiumMmolL: 125, procedureDuringStay: true, urgentAdmission: true, admissions12m: 6, lengthOfStayDays: 9 }), 13);
  // Boundaries: Hb 12.0 and Na 135 are normal; 1 admission → 0, 2 → 2, 5 → 2; LOS 4 → 0.
  assert.equal(hospitalScore({ ...base, dischargeHemoglobinGdl: 12, dischargeSodiumMmolL: 135, lengthOfStayDays: 4 }), 0);
  assert.deepEqual([1, 2, 5].map((n) => hospitalScore({ ...base, admissions12m: n })), [0, 2, 2]);
  // Unmeasured labs score as normal.
  assert.equal(hospitalScore({ ...base, dischargeHemoglobinGdl: null, dischargeSodiumMmolL: null }), 0);
});

test('Charlson categorises ICD-10-CM by Quan 2005 prefixes and SNOMED CT by concept, with the usual hierarchy', () => {
  const charlson = CharlsonComorbidity.load();
  assert.equal(charlson.categoryOf('http://hl7.org/fhir/sid/icd-10-cm|I21.4'), 'myocardialInfarction');
  assert.equal(charlson.categoryOf('http://hl7.org/fhir/sid/icd-10-cm|I65.2'), 'cerebrovascularDisease'); // inside I60-I69
  assert.equal(charlson.categoryOf('http://hl7.org/fhir/sid/icd-10-cm|E11.22'), 'diabetesWithComplications');
  assert.equal(charlson.categoryOf('http://hl7.org/fhir/sid/icd-10-cm|C44.9'), null); // skin cancer is excluded
  assert.equal(charlson.categoryOf('http://hl7.org/fhir/sid/icd-10-cm|R10.9'), null);
  assert.equal(charlson.categoryOf('http://snomed.info/sct|84114007'), 'congestiveHeartFailure');
  assert.equal(charlson.categoryOf('http://loinc.org|718-7'), null);
  // MI 1 + CHF 1 + diabetes with complications 2 (uncomplicated dropped) + metastatic 6 (malignancy dropped) = 10.
  assert.equal(charlson.index(['myocardialInfarction', 'congestiveHeartFailure', 'diabetesWithoutComplications', 'diabetesWithComplications', 'malignancy', 'metastaticSolidTumor']), 10);
  assert.equal(charlson.index(['mildLiverDisease', 'moderateOrSevereLiverDisease']), 3);
  assert.equal(charlson.hasOncology(['renalDisease']), false);
  assert.equal(charlson.hasOncology(['malignancy']), true);
});

test('age at admission comes from calendar years between shifted days, else the age-group midpoint', () => {
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
  assert.equal(wholeYearsBetween(day('1960-03-15'), day('2024-03-14')), 63);
  assert.equal(wholeYearsBetween(day('1960-03-15'), day('2024-03-15')), 64);
  assert.equal(ageOfGroup('65-69'), 67);
  assert.equal(ageOfGroup('90+'), 90);
  assert.equal(ageOfGroup(null), null);
});
