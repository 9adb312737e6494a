import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { ElementRule, ElementRules } from './element-allowlist.ts';
import { CENSUS_TABULATED_ZIP3, RESTRICTED_ZIP3 } from './restricted-zip3.ts';
import { SAFE_HARBOR_AGE_LIMIT } from './safe-harbor-age.ts';
import {
  CLINICAL_ELEMENTS,
  MAIN_CODE_ELEMENTS,
  PATIENT_ELEMENTS,
  PATIENT_REFERENCE_ELEMENT,
} from './safe-harbor-elements.ts';
import { SAFE_HARBOR_POLICY, STORED_RESOURCE_TYPES } from './safe-harbor-policy.ts';

const MS_CONFIG =
  '../shared/data/deid/ms-anonymizer/FHIR/src/Microsoft.Health.Fhir.Anonymizer.R4.CommandLineTool/configuration-sample.json';

function ruleJson(rule: ElementRule): unknown {
  if (typeof rule === 'string') return rule;
  return rule.kind === 'codes'
    ? { codes: [...rule.values].sort() }
    : { backbone: rulesJson(rule.elements) };
}

function rulesJson(rules: ElementRules): unknown {
  return [...rules.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, rule]) => [name, ruleJson(rule)]);
}

// The digest of every table the profile applies, per released version. Changing an allowlist,
// value set or the ZIP table without bumping SAFE_HARBOR_POLICY.version fails here; behaviour
// changes in code (converters, age or address rules) need the same bump by hand.
const RULE_DIGESTS: Record<string, string> = {
  '1.0.0': 'e4f429e40cc56c3d45d10bd036cd49d924f5d4da36d4ba34e57eeab0beac1535',
};

test('the policy version changes whenever its rule tables change', () => {
  const tables = {
    stored: [...STORED_RESOURCE_TYPES].sort(),
    patient: rulesJson(PATIENT_ELEMENTS),
    clinical: [...CLINICAL_ELEMENTS.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, rules]) => [type, rulesJson(rules)]),
    patientReference: [...PATIENT_REFERENCE_ELEMENT.entries()].sort(),
    mainCodes: [...MAIN_CODE_ELEMENTS.entries()].sort(),
    restrictedZip3: [...RESTRICTED_ZIP3].sort(),
    tabulatedZip3: [...CENSUS_TABULATED_ZIP3].sort(),
    ageLimit: SAFE_HARBOR_AGE_LIMIT,
  };
  const digest = createHash('sha256').update(JSON.stringify(tables)).digest('hex');
  assert.equal(SAFE_HARBOR_POLICY.name, 'HIPAA Safe Harbor');
  assert.equal(
    digest,
    RULE_DIGESTS[SAFE_HARBOR_POLICY.version],
    `The Safe Harbor tables changed: bump SAFE_HARBOR_POLICY.version and record ${digest} for it in RULE_DIGESTS.`,
  );
});

test('the profile stores exactly the eleven clinical types, each with an allowlist and a patient element', () => {
  assert.deepEqual([...STORED_RESOURCE_TYPES].sort(), [
    'AllergyIntolerance',
    'Condition',
    'DiagnosticReport',
    'Encounter',
    'ImagingStudy',
    'Immunization',
    'MedicationRequest',
    'MedicationStatement',
    'Observation',
    'Patient',
    'Procedure',
  ]);
  for (const type of STORED_RESOURCE_TYPES) {
    if (type === 'Patient') continue;
    assert.ok(CLINICAL_ELEMENTS.has(type), type);
    assert.ok(PATIENT_REFERENCE_ELEMENT.has(type), type);
    assert.ok(MAIN_CODE_ELEMENTS.has(type), type);
  }
});

test('no allowlist names an element that carries identifiers or free text', () => {
  const forbidden =
    /^(identifier|text|name|telecom|address|photo|note|contained|extension|modifierExtension|meta|implicitRules|description|comment|conclusion|presentedForm|patientInstruction|lotNumber|valueString|valueAttachment|valueSampledData|display|title|.*Age|.*String)$/;
  const walk = (rules: ElementRules, path: string): void => {
    for (const [name, rule] of rules) {
      if (!(path === 'ImagingStudy' && name === 'identifier'))
        assert.doesNotMatch(name, forbidden, `${path}.${name}`);
      if (typeof rule !== 'string' && rule.kind === 'backbone')
        walk(rule.elements, `${path}.${name}`);
    }
  };
  walk(PATIENT_ELEMENTS, 'Patient');
  for (const [type, rules] of CLINICAL_ELEMENTS) walk(rules, type);
});

const CHOICE_SUFFIX =
  /^(Boolean|Integer|PositiveInt|Date|DateTime|Instant|Time|String|Quantity|CodeableConcept|Period|Range|Ratio|Age|SampledData|Attachment|Reference|Timing)$/;

/** Whether the profile keeps any element at an MS FHIRPath like `Observation.component.value` (choice types included). */
function profileKeeps(path: string): boolean {
  const [type, ...segments] = path.split('.');
  let rules: ElementRules | undefined =
    type === 'Patient' ? PATIENT_ELEMENTS : CLINICAL_ELEMENTS.get(type!);
  for (const [i, segment] of segments.entries()) {
    if (rules === undefined) return false;
    const matches = [...rules.entries()].filter(
      ([name]) =>
        name === segment ||
        (name.startsWith(segment) && CHOICE_SUFFIX.test(name.slice(segment.length))),
    );
    if (matches.length === 0) return false;
    if (i === segments.length - 1) return true;
    const next = matches
      .map(([, rule]) => rule)
      .find((rule) => typeof rule !== 'string' && rule.kind === 'backbone');
    rules =
      next && typeof next !== 'string' && next.kind === 'backbone' ? next.elements : undefined;
  }
  return false;
}

// Elements of the stored types that the Microsoft Safe Harbor sample redacts but this profile keeps, and why.
const KEPT_DESPITE_MS_REDACTION: Record<string, string> = {
  'Observation.value':
    'coded and numeric results are the research content; valueString/valueSampledData/valueAttachment are dropped, quantities of 90+ years are dropped',
  'Observation.component.value': 'as Observation.value',
  'Observation.referenceRange':
    'low/high/type/appliesTo only; referenceRange.text and .age are dropped',
  'Condition.onset':
    'onsetDateTime/onsetPeriod as shifted day numbers; onsetAge/Range/String dropped',
  'Condition.abatement': 'as Condition.onset',
  'Procedure.performed':
    'performedDateTime/Period as shifted day numbers; performedString/Age/Range dropped',
  'AllergyIntolerance.onset': 'as Condition.onset',
  'Immunization.occurrence': 'occurrenceDateTime as a shifted day number; occurrenceString dropped',
};

// How the profile handles each datatype-wide rule of the Microsoft sample.
const NODE_TYPE_RULES: Record<string, 'dropped' | 'equivalent' | 'kept'> = {
  "redact nodesByType('Extension')": 'dropped',
  "keep nodesByType('HumanName').use": 'dropped',
  "keep nodesByType('Address').country": 'equivalent',
  "keep nodesByType('Address').state": 'equivalent',
  "redact nodesByType('Expression').description": 'dropped',
  "redact nodesByType('Expression').expression": 'dropped',
  "redact nodesByType('Attachment').title": 'dropped',
  "redact nodesByType('Attachment').url": 'dropped',
  "redact nodesByType('CodeableConcept').text": 'dropped',
  "redact nodesByType('Coding').display": 'dropped',
  // Divergence: codes are the clinical content; they come only from coded elements (no free text).
  "redact nodesByType('Coding').code": 'kept',
  "redact nodesByType('ContactDetail').name": 'dropped',
  "redact nodesByType('Identifier').value": 'dropped',
  "redact nodesByType('Reference').display": 'dropped',
  "cryptoHash nodesByType('Reference').reference": 'equivalent',
  "redact nodesByType('Narrative')": 'dropped',
  "redact nodesByType('base64Binary')": 'dropped',
  // Shifted day numbers instead of shifted calendar dates; no birth date at all for 90+.
  "dateshift nodesByType('date')": 'equivalent',
  "dateshift nodesByType('dateTime')": 'equivalent',
  "dateshift nodesByType('instant')": 'equivalent',
  "redact nodesByType('Address')": 'equivalent',
  "redact nodesByType('Age')": 'dropped',
  "redact nodesByType('Annotation')": 'dropped',
  "redact nodesByType('HumanName')": 'dropped',
  "redact nodesByType('ContactPoint')": 'dropped',
  'cryptoHash Resource.id': 'equivalent',
};

test('cross-check with the Microsoft FHIR anonymizer Safe Harbor sample: every divergence is documented', (t) => {
  if (!existsSync(MS_CONFIG)) {
    t.skip(`Microsoft anonymizer config not found at ${MS_CONFIG}`);
    return;
  }
  const config = JSON.parse(readFileSync(MS_CONFIG, 'utf8').replace(/^\uFEFF/, '')) as {
    fhirPathRules: { path: string; method: string }[];
    parameters: { restrictedZipCodeTabulationAreas: string[] };
  };
  const keptDespiteRedaction: string[] = [];
  const notStored = new Set<string>();
  for (const { path, method } of config.fhirPathRules) {
    const type = path.split('.')[0]!;
    if (path.startsWith('nodesByType(') || path === 'Resource.id') {
      assert.ok(
        `${method} ${path}` in NODE_TYPE_RULES,
        `review the new Microsoft rule "${method} ${path}" and record how the profile handles it`,
      );
    } else if (!STORED_RESOURCE_TYPES.has(type)) {
      notStored.add(type);
    } else if (method !== 'keep' && profileKeeps(path)) {
      keptDespiteRedaction.push(path);
    }
  }
  assert.deepEqual(keptDespiteRedaction.sort(), Object.keys(KEPT_DESPITE_MS_REDACTION).sort());
  // The Microsoft list is the 2010-Census list without the four zero-population prefixes.
  const ms = new Set(config.parameters.restrictedZipCodeTabulationAreas);
  assert.deepEqual(
    [...RESTRICTED_ZIP3].filter((z) => !ms.has(z)),
    ['202', '204', '753', '772'],
  );
  assert.deepEqual(
    [...ms].filter((z) => !RESTRICTED_ZIP3.has(z)),
    [],
  );
  t.diagnostic(
    `rules for types this profile does not store (skipped entirely): ${[...notStored].sort().join(', ')}`,
  );
});
