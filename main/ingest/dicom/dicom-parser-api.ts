// The part of cornerstone's dicom-parser (maintained, MIT) that the reader drives directly.
// Its published typings omit the DataSet constructor and the element fields set while parsing
// sequences, so the runtime shape is described here once.
import dicomParserModule from 'dicom-parser';

export interface ParserFragment {
  offset: number;
  position: number;
  length: number;
}

export interface ParserElement {
  tag: string;
  vr?: string;
  length: number;
  dataOffset: number;
  hadUndefinedLength?: boolean;
  items?: ParserItem[];
  encapsulatedPixelData?: boolean;
  fragments?: ParserFragment[];
}

export interface ParserItem {
  tag: string;
  length: number;
  dataOffset: number;
  hadUndefinedLength?: boolean;
  dataSet?: ParserDataSet;
}

export interface ParserDataSet {
  elements: Record<string, ParserElement>;
  warnings: string[];
}

export interface ParserByteStream {
  position: number;
  warnings: string[];
}

export interface ByteArrayParser {
  readUint16(bytes: Uint8Array, position: number): number;
}

type VrCallback = (tag: string) => string | undefined;

interface DicomParserRuntime {
  ByteStream: new (parser: ByteArrayParser, bytes: Uint8Array, position: number) => ParserByteStream;
  DataSet: new (parser: ByteArrayParser, bytes: Uint8Array, elements: Record<string, ParserElement>) => ParserDataSet;
  littleEndianByteArrayParser: ByteArrayParser;
  bigEndianByteArrayParser: ByteArrayParser;
  readPart10Header(bytes: Uint8Array, options?: { TransferSyntaxUID?: string }): ParserDataSet & { position: number };
  parseDicomDataSetExplicit(dataSet: ParserDataSet, stream: ParserByteStream, maxPosition: number, options?: object): void;
  parseDicomDataSetImplicit(
    dataSet: ParserDataSet,
    stream: ParserByteStream,
    maxPosition: number,
    options?: { vrCallback?: VrCallback },
  ): void;
  readSequenceItemsImplicit(stream: ParserByteStream, element: ParserElement, vrCallback?: VrCallback): void;
}

export const dicomParser = dicomParserModule as unknown as DicomParserRuntime;

/** dicom-parser throws strings, `{ exception, dataSet }` wrappers and Errors; this gets the text. */
export function parserErrorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && 'exception' in error) return parserErrorMessage(error.exception);
  if (error instanceof RangeError) return 'nesting too deep for the parser stack';
  if (error instanceof Error) return error.message;
  return 'unknown parser error';
}
