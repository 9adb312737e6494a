import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medicationNames, pgxIngredientCodes, RXNORM_SYSTEM } from './medication-ingredients.ts';

test('product names and brand names yield the ingredient code of the CPIC drug list', () => {
  assert.deepEqual(pgxIngredientCodes(['clopidogrel 75 MG Oral Tablet']), [`${RXNORM_SYSTEM}|32968`]);
  assert.deepEqual(pgxIngredientCodes(['Plavix 75 MG Oral Tablet [Plavix]']), [`${RXNORM_SYSTEM}|32968`]);
  assert.deepEqual(pgxIngredientCodes(['Simvastatin 20 MG Oral Tablet']), [`${RXNORM_SYSTEM}|36567`]);
  assert.deepEqual(pgxIngredientCodes(['lisinopril 10 MG Oral Tablet', 'Acetaminophen 325 MG']), []);
  assert.deepEqual(pgxIngredientCodes(['xclopidogrelx']), [], 'whole words only');
});

test('names come from the coding displays and the text of the medication concept only', () => {
  const resource = {
    resourceType: 'MedicationRequest',
    medicationCodeableConcept: { text: 'Warfarin Sodium 5 MG', coding: [{ system: RXNORM_SYSTEM, code: '855332', display: 'warfarin sodium 5 MG Oral Tablet' }] },
    note: [{ text: 'patient also takes clopidogrel' }],
  };
  assert.deepEqual(medicationNames(resource), ['Warfarin Sodium 5 MG', 'warfarin sodium 5 MG Oral Tablet']);
  assert.deepEqual(pgxIngredientCodes(medicationNames(resource)), [`${RXNORM_SYSTEM}|11289`]);
});
