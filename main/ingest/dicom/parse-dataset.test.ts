// The reader's own element parser, cross-checked against cornerstone's dicom-parser (a maintained
// library, kept as a test oracle): for every shared corpus file we accept, dicom-parser must find
// the same elements at the same offsets with the same lengths and the same sequence items, at
// every depth. Plus the framing rules dicom-parser does not enforce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import dicomParserModule from 'dicom-parser';
import type { DicomDataset } from './dicom-dataset.ts';
import { formatTag, isPrivateTag } from './dicom-tag.ts';
import { parseDataset } from './parse-dataset.ts';
import type { InvalidInputError } from '../../util/errors.ts';
import { readDicom } from './read-dicom.ts';
import { SHARED_DICOM_DIR, listFilesRecursively } from './shared-test-data.ts';
import { dictionaryVr } from './value-representation.ts';
import { elementHeader as header, rawHeader as raw } from './hand-made-elements.ts';
import { isDeflated } from './transfer-syntax.ts';

interface OracleElement {
  tag: string;
  length: number;
  dataOffset: number;
  hadUndefinedLength?: boolean;
  items?: { dataOffset: number; length: number; dataSet?: { elements: Record<string, OracleElement> } }[];
  encapsulatedPixelData?: boolean;
}
interface OracleDataSet {
  elements: Record<string, OracleElement>;
  warnings: string[];
}
// dicom-parser's published typings omit the DataSet constructor and the fields set on sequences.
const oracle = dicomParserModule as unknown as {
  ByteStream: new (parser: unknown, bytes: Uint8Array, position: number) => { warnings: string[] };
  DataSet: new (parser: unknown, bytes: Uint8Array, elements: object) => OracleDataSet;
  littleEndianByteArrayParser: unknown;
  bigEndianByteArrayParser: unknown;
  parseDicomDataSetExplicit(dataSet: OracleDataSet, stream: unknown, end: number, options: object): void;
  parseDicomDataSetImplicit(dataSet: OracleDataSet, stream: unknown, end: number, options: object): void;
};

const oracleTag = (tag: number) => `x${tag.toString(16).padStart(8, '0')}`;

/** Compares our tree with dicom-parser's element map; returns the elements compared. */
function compare(ours: DicomDataset, theirs: Record<string, OracleElement>, where: string): number {
  let compared = 0;
  const expected = Object.values(theirs).filter((el) => el.tag !== 'xfffee00d');
  assert.equal(ours.elements.length, expected.length, `${where}: element count`);
  for (const element of ours.elements) {
    const other = theirs[oracleTag(element.tag)];
    const at = `${where} ${formatTag(element.tag)}`;
    assert.ok(other, `${at}: not found by dicom-parser`);
    assert.equal(element.valueOffset, other.dataOffset, `${at}: value offset`);
    assert.equal(element.undefinedLength, other.hadUndefinedLength === true, `${at}: undefined length`);
    assert.equal(element.encapsulated, other.encapsulatedPixelData === true, `${at}: encapsulated`);
    // dicom-parser counts an encapsulated element's closing delimiter in its length; we do not.
    assert.equal(element.valueLength, element.encapsulated ? other.length - 8 : other.length, `${at}: length`);
    compared++;
    // dicom-parser drops the items of private sequences and reads UN as opaque; we parse both.
    if (element.items && other.items) {
      assert.equal(element.items.length, other.items.length, `${at}: items`);
      element.items.forEach((item, i) => {
        assert.equal(item.start + 8, other.items![i]!.dataOffset, `${at} item ${i}: offset`);
        compared += compare(item.dataset, other.items![i]!.dataSet?.elements ?? {}, `${at}[${i}]`);
      });
    } else if (element.items) {
      assert.ok(isPrivateTag(element.tag) || element.vr === 'UN', `${at}: items dicom-parser did not find`);
    }
  }
  return compared;
}

test('every element the reader finds in the shared corpus, dicom-parser finds at the same place', { timeout: 300_000 }, (t) => {
  if (!existsSync(SHARED_DICOM_DIR)) {
    t.skip('the shared DICOM corpus (../shared/data/dicom) is absent');
    return;
  }
  let files = 0;
  let elements = 0;
  for (const path of listFilesRecursively(SHARED_DICOM_DIR)) {
    const read = readDicom(readFileSync(path));
    if (!read.ok || isDeflated(read.transferSyntax)) continue;
    const { dataset } = read;
    const encoding = dataset.encoding;
    const start = dataset.elements[0]?.start;
    if (start === undefined) continue;
    const parser = encoding === 'explicit-be' ? oracle.bigEndianByteArrayParser : oracle.littleEndianByteArrayParser;
    const stream = new oracle.ByteStream(parser, dataset.bytes, start);
    const parsed = new oracle.DataSet(parser, dataset.bytes, {});
    if (encoding === 'implicit-le') {
      oracle.parseDicomDataSetImplicit(parsed, stream, dataset.bytes.length, { vrCallback: (tag: string) => dictionaryVr(Number.parseInt(tag.slice(1), 16)) ?? undefined });
    } else {
      oracle.parseDicomDataSetExplicit(parsed, stream, dataset.bytes.length, {});
    }
    assert.deepEqual(stream.warnings, [], `${relative(SHARED_DICOM_DIR, path)}: dicom-parser warns on a file we accept`);
    elements += compare(dataset, parsed.elements, relative(SHARED_DICOM_DIR, path));
    files++;
  }
  assert.ok(files > 300, `expected most of the corpus to be read, compared ${files} files`);
  t.diagnostic(`${files} files, ${elements} elements agree with dicom-parser`);
});

const UNDEFINED = 0xffffffff;
const uid = Buffer.from('1.2.3.4\0', 'latin1');
const refUid = Buffer.concat([header(0x0008, 0x1155, 'UI', uid.length), uid]);

function expectMalformed(bytes: Buffer, pattern: RegExp): void {
  assert.throws(() => parseDataset(bytes, 'explicit-le', 0, bytes.length), (error: Error) => {
    assert.equal((error as InvalidInputError).code, 'malformed');
    assert.match(error.message, pattern);
    return true;
  });
}

test('undefined-length sequences and items end at their delimiters, which must have a zero length', () => {
  const sequence = (itemDelimiterLength: number, sequenceDelimiterLength: number) => Buffer.concat([
    header(0x0008, 0x1140, 'SQ', UNDEFINED), raw(0xfffe, 0xe000, UNDEFINED), refUid,
    raw(0xfffe, 0xe00d, itemDelimiterLength), raw(0xfffe, 0xe0dd, sequenceDelimiterLength),
    header(0x0010, 0x0020, 'LO', 2), Buffer.from('P1'),
  ]);
  const good = sequence(0, 0);
  const dataset = parseDataset(good, 'explicit-le', 0, good.length);
  assert.deepEqual(dataset.elements.map((e) => formatTag(e.tag)), ['(0008,1140)', '(0010,0020)']);
  const sq = dataset.elements[0]!;
  assert.equal(sq.items?.length, 1);
  assert.equal(sq.end, 12 + 8 + refUid.length + 8 + 8);
  assert.equal(sq.items![0]!.end, 12 + 8 + refUid.length + 8);
  expectMalformed(sequence(4, 0), /delimiter \(FFFE,E00D\) has a non-zero length/);
  expectMalformed(sequence(0, 4), /delimiter \(FFFE,E0DD\) has a non-zero length/);
});

test('encapsulated Pixel Data needs an offset table item, fragments inside the data and a delimiter', () => {
  const fragment = Buffer.alloc(6, 0xab);
  const pixels = (table: Buffer, rest: Buffer[]) => Buffer.concat([header(0x7fe0, 0x0010, 'OB', UNDEFINED), table, ...rest]);
  const good = pixels(raw(0xfffe, 0xe000, 0), [raw(0xfffe, 0xe000, fragment.length), fragment, raw(0xfffe, 0xe0dd, 0)]);
  const element = parseDataset(good, 'explicit-le', 0, good.length).elements[0]!;
  assert.equal(element.encapsulated, true);
  assert.equal(element.valueLength, 8 + 8 + fragment.length);
  assert.equal(element.end, good.length);
  expectMalformed(pixels(raw(0xfffe, 0xe000, 0), [raw(0xfffe, 0xe000, fragment.length), fragment]), /no Sequence Delimitation Item/);
  expectMalformed(pixels(raw(0xfffe, 0xe000, 0), [raw(0xfffe, 0xe000, 64), fragment, raw(0xfffe, 0xe0dd, 0)]), /fragment runs past/);
  expectMalformed(pixels(raw(0xfffe, 0xe000, 3), [Buffer.alloc(3), raw(0xfffe, 0xe0dd, 0)]), /Basic Offset Table/);
  expectMalformed(pixels(raw(0x0008, 0x0000, 0), [raw(0xfffe, 0xe0dd, 0)]), /Basic Offset Table/);
});

test('VRs with a 32-bit length (OV, SV, UV, UC, UR) are read with their 12-byte header', () => {
  const value = Buffer.alloc(8, 1);
  // Private elements take any VR.
  const bytes = Buffer.concat([header(0x0009, 0x1001, 'SV', value.length), value, header(0x0009, 0x1002, 'UV', value.length), value]);
  const elements = parseDataset(bytes, 'explicit-le', 0, bytes.length).elements;
  assert.deepEqual(elements.map((e) => [e.vr, e.valueOffset, e.valueLength]), [['SV', 12, 8], ['UV', 32, 8]]);
});

test('a truncated header, a value past the end and a stray item are refused with their offsets', () => {
  const pid = Buffer.concat([header(0x0010, 0x0020, 'LO', 2), Buffer.from('P1')]);
  expectMalformed(Buffer.concat([pid, Buffer.alloc(5)]), /ends inside an element header/);
  expectMalformed(Buffer.concat([header(0x0010, 0x0020, 'LO', 40), Buffer.from('P1')]), /runs past the end/);
  expectMalformed(Buffer.concat([pid, raw(0xfffe, 0xe000, 0)]), /outside a sequence/);
  try {
    const bytes = Buffer.concat([pid, header(0x0010, 0x0030, 'DA', 40)]);
    parseDataset(bytes, 'explicit-le', 0, bytes.length);
    assert.fail('expected a refusal');
  } catch (error) {
    assert.equal((error as InvalidInputError).position, String(pid.length + 8));
  }
});
