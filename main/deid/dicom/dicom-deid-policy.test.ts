import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tagOf } from '../../ingest/dicom/dicom-tag.ts';
import { DEFAULT_DICOM_DEID_OPTIONS } from './dicom-deid-options.ts';
import type { DicomDeidOptions } from './dicom-deid-options.ts';
import { basicAction, compilePolicy, resolveAction } from './dicom-deid-policy.ts';
import { PROFILE_ROWS } from './profile-table.ts';

const basicOnly: DicomDeidOptions = {
  retainLongitudinalModifiedDates: false,
  retainPatientCharacteristics: false,
  retainDeviceIdentity: false,
  retainSafePrivate: false,
  cleanDescriptors: false,
  cleanStructuredContent: false,
};

test('compound actions take the branch that keeps any IOD conformant and discloses nothing', () => {
  assert.deepEqual(basicAction('X/Z'), { kind: 'empty' });
  for (const code of ['D', 'X/D', 'X/Z/D', 'Z/D']) assert.deepEqual(basicAction(code), { kind: 'dummy' });
  assert.deepEqual(basicAction('X/Z/U*'), { kind: 'clean-sequence', structured: false });
  assert.throws(() => basicAction('K'), /Unknown/);
});

test('every row resolves under every combination of options', () => {
  const flags = ['retainLongitudinalModifiedDates', 'retainPatientCharacteristics', 'retainDeviceIdentity', 'cleanDescriptors', 'cleanStructuredContent'] as const;
  for (let mask = 0; mask < 1 << flags.length; mask++) {
    const options = { ...basicOnly };
    flags.forEach((flag, i) => { options[flag] = (mask & (1 << i)) !== 0; });
    for (const row of PROFILE_ROWS) assert.ok(resolveAction(row, row.vr || null, options).kind);
  }
});

test('options change exactly the rows whose option column says K or C', () => {
  const basic = compilePolicy(basicOnly);
  const dates = compilePolicy(DEFAULT_DICOM_DEID_OPTIONS);
  const characteristics = compilePolicy({ ...basicOnly, retainPatientCharacteristics: true });
  const studyDate = tagOf(0x0008, 0x0020);
  assert.deepEqual(basic.actionFor(studyDate), { kind: 'empty' });
  assert.deepEqual(dates.actionFor(studyDate), { kind: 'shift-date', fallback: { kind: 'empty' } });
  assert.deepEqual(dates.actionFor(tagOf(0x0008, 0x0030)), { kind: 'keep' }, 'Study Time survives a whole-day shift');
  assert.deepEqual(dates.actionFor(tagOf(0x0008, 0x0201)), { kind: 'remove' }, 'Timezone Offset cannot be shifted: Basic action');
  assert.deepEqual(characteristics.actionFor(tagOf(0x0010, 0x0040)), { kind: 'keep' });
  assert.deepEqual(characteristics.actionFor(tagOf(0x0010, 0x2110)), { kind: 'clean-text', fallback: { kind: 'remove' } });
  assert.deepEqual(basic.actionFor(tagOf(0x0010, 0x0040)), { kind: 'empty' });
  assert.deepEqual(basic.actionFor(tagOf(0x0020, 0x000d)), { kind: 'uid' });
  assert.deepEqual(basic.actionFor(tagOf(0x6002, 0x3000)), { kind: 'remove' });
  assert.deepEqual(basic.actionFor(tagOf(0x5004, 0x0010)), { kind: 'remove' });
  assert.deepEqual(basic.actionFor(tagOf(0x0029, 0x1010)), { kind: 'remove' });
  assert.equal(basic.actionFor(tagOf(0x0008, 0x0016)), null, 'SOP Class UID is not in Table E.1-1');
  assert.equal(basic.actionFor(tagOf(0x0002, 0x0010)), null, 'Transfer Syntax UID is not in Table E.1-1');
  const structured = compilePolicy({ ...basicOnly, cleanStructuredContent: true });
  assert.deepEqual(structured.actionFor(tagOf(0x0040, 0xa730)), { kind: 'clean-sequence', structured: true });
  assert.deepEqual(basic.actionFor(tagOf(0x0040, 0xa730)), { kind: 'dummy' });
});

test('the safe private allowlist must name group, creator and element byte', () => {
  const policy = compilePolicy({ ...basicOnly, retainSafePrivate: true, safePrivateAllowlist: ['(0019,"GEMS_ACQU_01",24)'] });
  assert.ok(policy.safePrivate.has('0019|GEMS_ACQU_01|24'));
  assert.throws(() => compilePolicy({ ...basicOnly, retainSafePrivate: true, safePrivateAllowlist: ['(0018,"X",01)'] }), /odd group/);
  assert.throws(() => compilePolicy({ ...basicOnly, retainSafePrivate: true, safePrivateAllowlist: ['0019,1024'] }), /form/);
});
