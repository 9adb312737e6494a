// Dummy values for action D (PS3.15 Table E.1-1a: "a non-zero length value that may be a dummy
// value and consistent with the VR"), chosen to be valid for the VR and obviously not real.

const TEXT_DUMMY = 'ANONYMIZED';

const STRING_DUMMIES: Record<string, string> = {
  AE: TEXT_DUMMY,
  AS: '000Y',
  CS: TEXT_DUMMY,
  DA: '19000101',
  DS: '0',
  DT: '19000101000000',
  IS: '0',
  LO: TEXT_DUMMY,
  LT: TEXT_DUMMY,
  PN: TEXT_DUMMY,
  SH: TEXT_DUMMY,
  ST: TEXT_DUMMY,
  TM: '000000',
  UC: TEXT_DUMMY,
  // A syntactically valid UID under 2.25 (PS3.5 B.2) that no real instance uses.
  UI: '2.25.0',
  UR: 'http://deidentified.invalid/',
  UT: TEXT_DUMMY,
};

/** Zero-filled binary values: one value of the VR's width (OB/UN: two bytes to keep an even length). */
const BINARY_WIDTHS: Record<string, number> = {
  AT: 4, FD: 8, FL: 4, OB: 2, OD: 8, OF: 4, OL: 4, OV: 8, OW: 2, SL: 4, SS: 2, SV: 8, UL: 4, UN: 2, US: 2, UV: 8,
};

export function dummyValue(vr: string): Buffer {
  const text = STRING_DUMMIES[vr];
  if (text !== undefined) return Buffer.from(text, 'latin1');
  return Buffer.alloc(BINARY_WIDTHS[vr] ?? 2);
}
