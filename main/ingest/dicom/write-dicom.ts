// Writes a Part 10 file (PS3.10 7.1): preamble, "DICM", a fresh File Meta Information group
// and the data set. Elements that did not change are copied byte for byte from the source,
// so values (and encapsulated or native pixel data) pass through exactly; only new values,
// sequences whose contents changed and the lengths that enclose them are encoded here.
import { deflateRawSync } from 'node:zlib';
import { BugIndicatingError } from '../../util/errors.ts';
import type { DatasetEncoding, DicomDataset, DicomElement } from './dicom-dataset.ts';
import { ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION, Tags, tagElement, tagGroup } from './dicom-tag.ts';
import type { DicomTag } from './dicom-tag.ts';
import { datasetEncodingOf, isDeflated } from './transfer-syntax.ts';
import { hasLongExplicitHeader, paddingByteFor } from './value-representation.ts';

/** One element of the data set to write. */
export type OutputNode =
  | { kind: 'copy'; tag: DicomTag; source: DicomDataset; element: DicomElement }
  | { kind: 'value'; tag: DicomTag; vr: string; value: Buffer }
  | { kind: 'sequence'; tag: DicomTag; vr: 'SQ' | 'UN'; undefinedLength: boolean; items: OutputItem[] };

/** One item of a written sequence; `encoding` is Implicit VR LE inside a UN sequence (CP-246). */
export interface OutputItem {
  undefinedLength: boolean;
  encoding: DatasetEncoding;
  nodes: OutputNode[];
}

/** What the File Meta Information of the written file says (PS3.10 Table 7.1-1). */
export interface Part10Header {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntax: string;
}

/** Our Implementation Class UID (PS3.7 D.3.3.2), a UUID-derived 2.25 UID (PS3.5 B.2). */
export const IMPLEMENTATION_CLASS_UID = '2.25.265007930918295704508989184243914932396';
export const IMPLEMENTATION_VERSION_NAME = 'DATASPACE_0_1';

const UNDEFINED_LENGTH = 0xffffffff;

class ChunkSink {
  readonly chunks: Buffer[] = [];
  length = 0;
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
}

export function writePart10(header: Part10Header, nodes: readonly OutputNode[]): Buffer {
  const encoding = datasetEncodingOf(header.transferSyntax);
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  const file = new ChunkSink();
  file.push(preamble);
  file.push(encodeMeta(header));
  if (isDeflated(header.transferSyntax)) {
    const body = new ChunkSink();
    writeNodes(nodes, encoding, body);
    file.push(deflateRawSync(Buffer.concat(body.chunks, body.length)));
  } else {
    writeNodes(nodes, encoding, file);
  }
  // One copy of every byte into the result; the chunks are views of the source buffer.
  return Buffer.concat(file.chunks, file.length);
}

function encodeMeta(header: Part10Header): Buffer {
  const sink = new ChunkSink();
  const ascii = (text: string) => Buffer.from(text, 'latin1');
  const metaNodes: OutputNode[] = [
    { kind: 'value', tag: Tags.FileMetaInformationVersion, vr: 'OB', value: Buffer.from([0x00, 0x01]) },
    { kind: 'value', tag: Tags.MediaStorageSOPClassUID, vr: 'UI', value: ascii(header.sopClassUid) },
    { kind: 'value', tag: Tags.MediaStorageSOPInstanceUID, vr: 'UI', value: ascii(header.sopInstanceUid) },
    { kind: 'value', tag: Tags.TransferSyntaxUID, vr: 'UI', value: ascii(header.transferSyntax) },
    { kind: 'value', tag: Tags.ImplementationClassUID, vr: 'UI', value: ascii(IMPLEMENTATION_CLASS_UID) },
    { kind: 'value', tag: Tags.ImplementationVersionName, vr: 'SH', value: ascii(IMPLEMENTATION_VERSION_NAME) },
  ];
  writeNodes(metaNodes, 'explicit-le', sink);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(sink.length);
  const lengthElement = new ChunkSink();
  writeValue(Tags.FileMetaInformationGroupLength, 'UL', groupLength, 'explicit-le', lengthElement);
  return Buffer.concat([...lengthElement.chunks, ...sink.chunks]);
}

function writeNodes(nodes: readonly OutputNode[], encoding: DatasetEncoding, sink: ChunkSink): void {
  let previous = -1;
  for (const node of nodes) {
    if (node.tag <= previous) throw new BugIndicatingError('output elements are not in ascending tag order');
    previous = node.tag;
    switch (node.kind) {
      case 'copy':
        if (node.source.encoding !== encoding) throw new BugIndicatingError('copying an element across encodings');
        sink.push(node.source.bytes.subarray(node.element.start, node.element.end));
        break;
      case 'value':
        writeValue(node.tag, node.vr, node.value, encoding, sink);
        break;
      case 'sequence':
        writeSequence(node, encoding, sink);
        break;
    }
  }
}

function writeValue(tag: DicomTag, vr: string, value: Buffer, encoding: DatasetEncoding, sink: ChunkSink): void {
  const padded = value.length % 2 === 1 ? Buffer.concat([value, Buffer.from([paddingByteFor(vr)])]) : value;
  if (!hasLongExplicitHeader(vr) && encoding !== 'implicit-le' && padded.length > 0xffff) {
    throw new BugIndicatingError(`a ${vr} value longer than 65534 bytes`);
  }
  sink.push(elementHeader(tag, vr, padded.length, encoding));
  sink.push(padded);
}

function writeSequence(
  node: Extract<OutputNode, { kind: 'sequence' }>,
  encoding: DatasetEncoding,
  sink: ChunkSink,
): void {
  const content = new ChunkSink();
  for (const item of node.items) {
    const nested = new ChunkSink();
    writeNodes(item.nodes, item.encoding, nested);
    content.push(itemHeader(ITEM, item.undefinedLength ? UNDEFINED_LENGTH : nested.length, item.encoding));
    for (const chunk of nested.chunks) content.push(chunk);
    if (item.undefinedLength) content.push(itemHeader(ITEM_DELIMITATION, 0, item.encoding));
  }
  const itemEncoding = node.items[0]?.encoding ?? (node.vr === 'UN' ? 'implicit-le' : encoding);
  if (node.undefinedLength) content.push(itemHeader(SEQUENCE_DELIMITATION, 0, itemEncoding));
  sink.push(elementHeader(node.tag, node.vr, node.undefinedLength ? UNDEFINED_LENGTH : content.length, encoding));
  for (const chunk of content.chunks) sink.push(chunk);
}

// Headers are small slices of Node's shared buffer pool (allocUnsafe), not buffers of their own:
// every byte of each is written below.
function elementHeader(tag: DicomTag, vr: string, length: number, encoding: DatasetEncoding): Buffer {
  const bigEndian = encoding === 'explicit-be';
  if (encoding === 'implicit-le') {
    const header = Buffer.allocUnsafe(8);
    writeTag(header, tag, false);
    header.writeUInt32LE(length, 4);
    return header;
  }
  const long = hasLongExplicitHeader(vr);
  const header = Buffer.allocUnsafe(long ? 12 : 8);
  writeTag(header, tag, bigEndian);
  // VRs are two ASCII letters (value-representation.ts).
  header[4] = vr.charCodeAt(0);
  header[5] = vr.charCodeAt(1);
  if (long) {
    // PS3.5 7.1.2: two reserved bytes, zero.
    header[6] = 0;
    header[7] = 0;
    if (bigEndian) header.writeUInt32BE(length, 8);
    else header.writeUInt32LE(length, 8);
  } else if (bigEndian) {
    header.writeUInt16BE(length, 6);
  } else {
    header.writeUInt16LE(length, 6);
  }
  return header;
}

/** Items and delimiters have no VR in any transfer syntax (PS3.5 7.5). */
function itemHeader(tag: DicomTag, length: number, encoding: DatasetEncoding): Buffer {
  const bigEndian = encoding === 'explicit-be';
  const header = Buffer.allocUnsafe(8);
  writeTag(header, tag, bigEndian);
  if (bigEndian) header.writeUInt32BE(length, 4);
  else header.writeUInt32LE(length, 4);
  return header;
}

function writeTag(target: Buffer, tag: DicomTag, bigEndian: boolean): void {
  if (bigEndian) {
    target.writeUInt16BE(tagGroup(tag), 0);
    target.writeUInt16BE(tagElement(tag), 2);
  } else {
    target.writeUInt16LE(tagGroup(tag), 0);
    target.writeUInt16LE(tagElement(tag), 2);
  }
}
