import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leadingResourceType } from './ndjson-parser.ts';

test('leadingResourceType reads the type a Bulk Data line starts with', () => {
  assert.equal(leadingResourceType('{"resourceType":"Claim","id":"c1"}'), 'Claim');
  assert.equal(leadingResourceType(' { "resourceType" : "ExplanationOfBenefit" , "id":"x"}\r'), 'ExplanationOfBenefit');
  assert.equal(leadingResourceType('{"resourceType":"Patient","id":"p"}  '), 'Patient');
});

test('leadingResourceType leaves every other line to the parser', () => {
  // resourceType not first, a line cut short, a type that is not a name, an empty or odd line
  assert.equal(leadingResourceType('{"id":"c1","resourceType":"Claim"}'), undefined);
  assert.equal(leadingResourceType('{"resourceType":"Claim","id":"c1","status":"act'), undefined);
  assert.equal(leadingResourceType('{"resourceType":"Claim"}'), undefined);
  assert.equal(leadingResourceType('{"resourceType":"Cl aim","id":"c1"}'), undefined);
  assert.equal(leadingResourceType('{"resourceType":"Claim\\u0022","id":"c1"}'), undefined);
  assert.equal(leadingResourceType(''), undefined);
  assert.equal(leadingResourceType('[{"resourceType":"Claim","id":"c1"}]'), undefined);
});
