// Tiny Explicit VR Little Endian encoders for hand-made (and deliberately broken) test inputs.

/** VRs whose explicit header has two reserved bytes and a 32-bit length (PS3.5 7.1.2). */
const LONG_HEADER = ['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV'];

/** An element header declaring `length` (0xFFFFFFFF for undefined length in a long header). */
export function elementHeader(group: number, elementNumber: number, vr: string, length: number): Buffer {
  const long = LONG_HEADER.includes(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(elementNumber, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(length >>> 0, 8);
  else header.writeUInt16LE(length, 6);
  return header;
}

/** A whole element; the value is padded to even length (NUL for UI, space otherwise). */
export function element(group: number, elementNumber: number, vr: string, value: Buffer | string): Buffer {
  let body = typeof value === 'string' ? Buffer.from(value, 'latin1') : value;
  if (body.length % 2 === 1) body = Buffer.concat([body, Buffer.from(vr === 'UI' ? [0] : [0x20])]);
  return Buffer.concat([elementHeader(group, elementNumber, vr, body.length), body]);
}

/** A tag and a 32-bit length with no VR: items, delimiters and Implicit VR headers. */
export function rawHeader(group: number, elementNumber: number, length: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16LE(group, 0);
  b.writeUInt16LE(elementNumber, 2);
  b.writeUInt32LE(length >>> 0, 4);
  return b;
}
