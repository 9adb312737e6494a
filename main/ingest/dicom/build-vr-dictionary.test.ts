// The generated PS3.6 VR table (resources/dicom/ps36-vr-dictionary.json) against dcmjs, which it
// replaces at runtime. Regenerating it scans every element of 76 groups (several seconds), so the
// tests check agreement tag by tag instead of rebuilding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VR_DICTIONARY_RESOURCE, dcmjsNamedTags, dcmjsVr, serializeVrDictionary, type VrDictionaryResource } from './build-vr-dictionary.ts';
import { tagOf } from './dicom-tag.ts';
import { allowedVrs, dictionaryVr } from './value-representation.ts';

const resource = JSON.parse(readFileSync(VR_DICTIONARY_RESOURCE, 'utf8')) as VrDictionaryResource;

test('the table holds the VR dcmjs gives every tag it names, and no tag dcmjs lacks', () => {
  const named = dcmjsNamedTags();
  assert.ok(named.length > 5_000, `${named.length} named tags`);
  for (const { group, element, vr } of named) {
    const key = group.toString(16).toUpperCase().padStart(4, '0') + element.toString(16).toUpperCase().padStart(4, '0');
    const ours = resource.tags[key] ?? resource.ranges.find(([a, b, e]) => e === element && group >= a && group <= b)?.[3];
    assert.equal(ours, vr, key);
  }
  for (const [key, vr] of Object.entries(resource.tags)) {
    assert.equal(dcmjsVr(Number.parseInt(key.slice(0, 4), 16), Number.parseInt(key.slice(4), 16)), vr, key);
  }
  // The tags dcmjs's name map loses to name collisions are there too.
  assert.equal(resource.tags['7FE00011'], 'US');
  assert.equal(resource.tags['00180061'], 'DS');
});

test('every repeating-group range agrees with dcmjs group by group and ends where dcmjs stops', () => {
  assert.deepEqual(
    [...new Set(resource.ranges.map(([a, b]) => `${a.toString(16)}-${b.toString(16)}`))],
    ['5000-50ff', '6000-60ff', '7f00-7fff'],
  );
  for (const [first, last, element, vr] of resource.ranges) {
    for (let group = first; group <= last; group++) assert.equal(dcmjsVr(group, element), vr, `(${group.toString(16)},${element.toString(16)})`);
    assert.notEqual(dcmjsVr(first - 1, element), vr);
    assert.notEqual(dcmjsVr(last + 1, element), vr);
  }
});

test('the reader resolves VRs from the table: standard, multi-VR, repeating, private and unknown tags', () => {
  assert.equal(dictionaryVr(tagOf(0x0010, 0x0010)), 'PN');
  assert.equal(dictionaryVr(tagOf(0x0008, 0x1140)), 'SQ');
  assert.equal(dictionaryVr(tagOf(0x7fe0, 0x0010)), 'OW'); // "OB or OW" reads as OW (PS3.5 Annex A)
  assert.deepEqual(allowedVrs(tagOf(0x7fe0, 0x0010)), ['OB', 'OW']);
  assert.equal(dictionaryVr(tagOf(0x0028, 0x0106)), 'US'); // "US or SS"
  assert.deepEqual(allowedVrs(tagOf(0x0028, 0x0106)), ['US', 'SS']);
  assert.equal(dictionaryVr(tagOf(0x0004, 0x1200)), 'UL'); // DICOMDIR offsets
  assert.equal(dictionaryVr(tagOf(0x6002, 0x3000)), 'OW'); // overlay data of the second overlay
  assert.equal(dictionaryVr(tagOf(0x6002, 0x0010)), 'US');
  assert.equal(dictionaryVr(tagOf(0x501e, 0x0005)), 'US'); // curve dimensions
  assert.equal(dictionaryVr(tagOf(0x0009, 0x0010)), null); // private
  assert.equal(allowedVrs(tagOf(0x0009, 0x1001)), null);
  assert.equal(dictionaryVr(tagOf(0x0008, 0x0000)), null); // group length
  assert.equal(dictionaryVr(tagOf(0x0008, 0xfff0)), null); // not in PS3.6
});

test('the committed file is in the layout the generator writes', () => {
  assert.equal(readFileSync(VR_DICTIONARY_RESOURCE, 'utf8'), serializeVrDictionary(resource));
  assert.match(resource.source, /^dcmjs \d+\.\d+\.\d+ /);
});
