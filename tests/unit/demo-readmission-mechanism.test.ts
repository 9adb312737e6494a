// The documented mechanism and the AUROC helper.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aurocOf, trueMechanismAuroc, TRUTH_COLUMNS } from '../../main/demo/ground-truth.ts';
import { READMISSION_COEFFICIENTS as b, trueReadmissionLogit, trueReadmissionProbability } from '../../main/demo/readmission-mechanism.ts';
import type { ReadmissionFeatures } from '../../main/demo/readmission-mechanism.ts';

const baseline: ReadmissionFeatures = {
  lengthOfStayDays: 0, emergencyAdmission: false, charlsonIndex: 0, priorEdVisits6m: 0, priorAdmissions12m: 0,
  dischargeHemoglobinGdl: null, dischargeSodiumMmolL: null, activeMedications: 0, ageYears: 40, oncology: false,
  clopidogrelCyp2c19Poor: false, clopidogrelCyp2c19Intermediate: false, capecitabineDpydReduced: false,
  azathioprineThiopurineIntolerant: false, warfarinHighSensitivity: false, simvastatinSlco1b1Decreased: false, siteEffect: 0,
};
const close = (a: number, e: number) => assert.ok(Math.abs(a - e) < 1e-12, `${a} != ${e}`);

test('a patient with no risk factors sits at the intercept', () => {
  close(trueReadmissionLogit(baseline), b.intercept);
  close(trueReadmissionProbability(baseline), 1 / (1 + Math.exp(-b.intercept)));
});

test('applies each documented transform and cap', () => {
  const at = (f: Partial<ReadmissionFeatures>) => trueReadmissionLogit({ ...baseline, ...f }) - b.intercept;
  close(at({ lengthOfStayDays: 6 }), b.logLengthOfStay * Math.log(7));
  close(at({ lengthOfStayDays: 400 }), b.logLengthOfStay * Math.log(61));
  close(at({ charlsonIndex: 20 }), b.charlsonIndex * 12);
  close(at({ priorAdmissions12m: 9, priorEdVisits6m: 2 }), b.priorAdmissions12m * 5 + b.priorEdVisits6m * 2);
  close(at({ dischargeHemoglobinGdl: 9.5 }), b.hemoglobinBelow12 * 2.5);
  close(at({ dischargeHemoglobinGdl: 13 }), 0);
  close(at({ dischargeSodiumMmolL: 120 }), b.sodiumBelow135 * 10);
  close(at({ activeMedications: 20, ageYears: 80 }), b.activeMedications * 15 + b.agePerYearOver50 * 30);
  close(at({ clopidogrelCyp2c19Poor: true, siteEffect: -0.25 }), b.clopidogrelCyp2c19Poor - 0.25);
});

test('computes a Mann-Whitney AUROC with ties counted one half', () => {
  assert.equal(aurocOf([{ p: 0.1, y: 0 }, { p: 0.9, y: 1 }]), 1);
  assert.equal(aurocOf([{ p: 0.9, y: 0 }, { p: 0.1, y: 1 }]), 0);
  assert.equal(aurocOf([{ p: 0.5, y: 0 }, { p: 0.5, y: 1 }]), 0.5);
  // positives 0.8, 0.5; negatives 0.5, 0.2: pairs (0.8>0.5)(0.8>0.2)(0.5=0.5)(0.5>0.2) = 3.5 / 4
  assert.equal(aurocOf([{ p: 0.8, y: 1 }, { p: 0.5, y: 1 }, { p: 0.5, y: 0 }, { p: 0.2, y: 0 }]), 0.875);
  assert.ok(Number.isNaN(aurocOf([{ p: 0.3, y: 1 }])));
});

test('reads the AUROC back from ground-truth CSVs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dsn-auroc-'));
  try {
    const row = (p: number, y: number) => TRUTH_COLUMNS.map((c) => (c === 'true_probability' ? p : c === 'outcome' ? y : 'x')).join(',');
    writeFileSync(join(dir, 'a.csv'), `${TRUTH_COLUMNS.join(',')}\n${row(0.8, 1)}\n${row(0.2, 0)}\n`);
    writeFileSync(join(dir, 'b.csv'), `${TRUTH_COLUMNS.join(',')}\n${row(0.5, 1)}\n${row(0.5, 0)}\n`);
    assert.equal(trueMechanismAuroc([join(dir, 'a.csv'), join(dir, 'b.csv')]), 0.875);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
