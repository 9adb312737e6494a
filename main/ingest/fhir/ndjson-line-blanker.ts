// A first pass over undecoded NDJSON bytes for readers that share a file: lines the reader will not
// read are emptied before the text is decoded, keeping their newlines so line numbers stay right.
// Decoding, splitting and collecting the other readers' lines as strings cost each of two import
// shards about as much CPU as JSON.parse of its own half (bench/RESULTS.md, session 4).

/** Whether line `lineNumber` (1-based), `bytes[start, end)` without its newline, is to be read. */
export type NdjsonBytesFilter = (lineNumber: number, bytes: Buffer, start: number, end: number) => boolean;

/**
 * Empties the complete lines of each chunk that `keep` declines. A line cut by a chunk boundary is
 * always kept whole (the text parser's own filter still sees it), and nothing is touched until
 * `transform` is told the content is NDJSON, so a JSON document is never altered.
 */
export class NdjsonLineBlanker {
  /** Newlines in the chunks seen so far: the number of the line a chunk continues, less one. */
  private newlines = 0;

  constructor(private readonly keep: NdjsonBytesFilter) {}

  transform(chunk: Buffer, isNdjson: boolean): Buffer {
    const first = chunk.indexOf(10);
    if (first < 0) return chunk;
    if (!isNdjson) {
      for (let at = first; at >= 0; at = chunk.indexOf(10, at + 1)) this.newlines++;
      return chunk;
    }
    const out = Buffer.allocUnsafe(chunk.length);
    // The first segment continues a line begun earlier (or is line 1): kept, with its newline.
    let length = chunk.copy(out, 0, 0, first + 1);
    this.newlines++;
    let start = first + 1;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      const lineNumber = this.newlines + 1;
      if (this.keep(lineNumber, chunk, start, nl)) length += chunk.copy(out, length, start, nl + 1);
      else out[length++] = 10;
      this.newlines++;
      start = nl + 1;
    }
    // The last segment is cut by the chunk's end: kept for the next chunk to complete.
    length += chunk.copy(out, length, start);
    return out.subarray(0, length);
  }
}
