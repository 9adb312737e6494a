// DICOM RLE Lossless (PS3.5 Annex G): one PackBits-compressed segment per byte plane, most
// significant plane first, behind a 64-byte header of segment offsets. Each row is encoded on
// its own (G.3.1) so no run crosses a row boundary.

/** PackBits-encodes `bytes` (one row of one byte plane) into `out`. */
function packBits(bytes: Uint8Array, out: number[]): void {
  let i = 0;
  while (i < bytes.length) {
    let run = 1;
    while (i + run < bytes.length && run < 128 && bytes[i + run] === bytes[i]) run++;
    if (run >= 3) {
      out.push(257 - run, bytes[i]!);
      i += run;
      continue;
    }
    const start = i;
    while (i < bytes.length && i - start < 128) {
      if (i + 2 < bytes.length && bytes[i] === bytes[i + 1] && bytes[i] === bytes[i + 2]) break;
      i++;
    }
    out.push(i - start - 1);
    for (let k = start; k < i; k++) out.push(bytes[k]!);
  }
}

/**
 * Encodes one frame. `samples` holds interleaved samples (R,G,B,R,G,B... for colour) of
 * `bytesPerSample` bytes each, little-endian as in native pixel data.
 */
export function encodeRleFrame(pixels: Uint8Array, rows: number, columns: number, samplesPerPixel: number, bytesPerSample: number): Uint8Array {
  const segments: number[][] = [];
  const row = new Uint8Array(columns);
  for (let sample = 0; sample < samplesPerPixel; sample++) {
    for (let plane = bytesPerSample - 1; plane >= 0; plane--) {
      const segment: number[] = [];
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < columns; c++) {
          row[c] = pixels[((r * columns + c) * samplesPerPixel + sample) * bytesPerSample + plane]!;
        }
        packBits(row, segment);
      }
      if (segment.length % 2 === 1) segment.push(0x80); // pad to even length with a no-op
      segments.push(segment);
    }
  }
  if (segments.length > 15) throw new RangeError('RLE Lossless allows at most 15 segments');
  const total = 64 + segments.reduce((n, s) => n + s.length, 0);
  const out = new Uint8Array(total);
  const header = new DataView(out.buffer);
  header.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((segment, i) => {
    header.setUint32(4 + i * 4, offset, true);
    out.set(segment, offset);
    offset += segment.length;
  });
  return out;
}

/** Decodes a frame (used by tests to prove the encoder round-trips). */
export function decodeRleFrame(frame: Uint8Array, rows: number, columns: number, samplesPerPixel: number, bytesPerSample: number): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const count = view.getUint32(0, true);
  const out = new Uint8Array(rows * columns * samplesPerPixel * bytesPerSample);
  for (let s = 0; s < count; s++) {
    const start = view.getUint32(4 + s * 4, true);
    const end = s + 1 < count ? view.getUint32(8 + s * 4, true) : frame.length;
    const sample = Math.floor(s / bytesPerSample);
    const plane = bytesPerSample - 1 - (s % bytesPerSample);
    let pixel = 0;
    let i = start;
    const put = (v: number) => {
      if (pixel < rows * columns) out[(pixel * samplesPerPixel + sample) * bytesPerSample + plane] = v;
      pixel++;
    };
    while (i < end && pixel < rows * columns) {
      const n = frame[i++]!;
      if (n < 128) for (let k = 0; k <= n; k++) put(frame[i++]!);
      else if (n > 128) { const v = frame[i++]!; for (let k = 0; k < 257 - n; k++) put(v); }
    }
  }
  return out;
}
