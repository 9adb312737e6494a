import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAlertRules, normalizeMedicationName, pgxAlertsFor } from './pgx-alerts.ts';

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** Each rule: a triggering phenotype, the drugs by RxNorm ingredient code and by a written name. */
const CASES = [
  {
    rule: 'clopidogrel-cyp2c19',
    gene: 'CYP2C19',
    phenotype: 'Poor Metabolizer',
    drugs: [['32968', 'Clopidogrel 75 MG Oral Tablet']],
  },
  {
    rule: 'simvastatin-slco1b1',
    gene: 'SLCO1B1',
    phenotype: 'Decreased Function',
    drugs: [['36567', 'ezetimibe 10 MG / Simvastatin 40 MG Oral Tablet']],
  },
  {
    rule: 'warfarin-cyp2c9',
    gene: 'CYP2C9',
    phenotype: 'Intermediate Metabolizer',
    drugs: [['11289', 'Warfarin Sodium 5 MG Oral Tablet']],
  },
  {
    rule: 'warfarin-vkorc1',
    gene: 'VKORC1',
    phenotype: '-1639 AA',
    drugs: [['11289', 'COUMADIN']],
  },
  {
    rule: 'thiopurines-tpmt',
    gene: 'TPMT',
    phenotype: 'Poor Metabolizer',
    drugs: [
      ['1256', 'azathioprine 50 MG'],
      ['103', '6-Mercaptopurine'],
      ['10485', 'Tioguanine 40 mg tablets'],
    ],
  },
  {
    rule: 'thiopurines-nudt15',
    gene: 'NUDT15',
    phenotype: 'Intermediate Metabolizer',
    drugs: [
      ['1256', 'Imuran'],
      ['103', 'mercaptopurine oral suspension'],
      ['10485', 'thioguanine'],
    ],
  },
  {
    rule: 'fluoropyrimidines-dpyd',
    gene: 'DPYD',
    phenotype: 'Intermediate Metabolizer',
    drugs: [
      ['4492', '5-FU injection'],
      ['194000', 'Capécitabine 500 mg'],
    ],
  },
] as const;

test('every rule alerts by RxNorm ingredient code and by normalized ingredient name', () => {
  assert.deepEqual(
    loadAlertRules()
      .rules.map((r) => r.id)
      .sort(),
    CASES.map((c) => c.rule).sort(),
  );
  for (const c of CASES) {
    const phenotypes = [{ gene: c.gene, phenotype: c.phenotype }];
    for (const [code, name] of c.drugs) {
      const byCode = pgxAlertsFor(phenotypes, [{ system: RXNORM, code }]);
      assert.deepEqual(
        byCode.map((a) => [a.ruleId, a.rxnorm, a.matchedBy]),
        [[c.rule, code, 'rxnorm-ingredient']],
        `${c.rule} ${code}`,
      );
      const byName = pgxAlertsFor(phenotypes, [
        { system: 'urn:local:formulary', code: 'X1', display: name },
      ]);
      assert.deepEqual(
        byName.map((a) => [a.ruleId, a.rxnorm, a.matchedBy]),
        [[c.rule, code, 'ingredient-name']],
        `${c.rule} ${name}`,
      );
    }
  }
});

test('no alert for normal, unknown or other-gene phenotypes, or unrelated drugs', () => {
  const clopidogrel = [{ system: RXNORM, code: '32968' }];
  assert.deepEqual(
    pgxAlertsFor([{ gene: 'CYP2C19', phenotype: 'Normal Metabolizer' }], clopidogrel),
    [],
  );
  assert.deepEqual(
    pgxAlertsFor([{ gene: 'CYP2C19', phenotype: 'Rapid Metabolizer' }], clopidogrel),
    [],
  );
  assert.deepEqual(pgxAlertsFor([{ gene: 'CYP2C19', phenotype: null }], clopidogrel), []);
  assert.deepEqual(
    pgxAlertsFor([{ gene: 'CYP2C9', phenotype: 'Poor Metabolizer' }], clopidogrel),
    [],
  );
  assert.deepEqual(
    pgxAlertsFor(
      [{ gene: 'CYP2C19', phenotype: 'Poor Metabolizer' }],
      [{ system: RXNORM, code: '83367' }],
    ),
    [],
  );
  // a name match needs the whole word: "clopidogrelate" is not clopidogrel
  assert.deepEqual(
    pgxAlertsFor(
      [{ gene: 'CYP2C19', phenotype: 'Poor Metabolizer' }],
      [{ display: 'clopidogrelate' }],
    ),
    [],
  );
});

test('one alert per rule and drug, however many entries match, and a text-only entry matches by name', () => {
  const alerts = pgxAlertsFor(
    [
      { gene: 'CYP2C9', phenotype: 'Poor Metabolizer' },
      { gene: 'VKORC1', phenotype: '-1639 AG' },
    ],
    [
      { system: RXNORM, code: '11289' },
      { system: RXNORM, code: '855332', display: 'warfarin sodium 5 MG' },
      { code: 'Jantoven' },
    ],
  );
  assert.deepEqual(
    alerts.map((a) => a.ruleId),
    ['warfarin-cyp2c9', 'warfarin-vkorc1'],
  );
  assert.equal(normalizeMedicationName('5-Fluoro-uracil, Topical'), ' 5 fluoro uracil topical ');
});
