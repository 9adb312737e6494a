// A small seeded PRNG (sfc32, from PractRand) with the distributions the generator needs.
// Streams are derived by hashing the seed with a label path, so each patient, site and file
// has its own independent stream: changing one part of the generator never shifts another.
import { createHash } from 'node:crypto';

/** A deterministic pseudo-random stream; never Math.random. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(words: readonly [number, number, number, number]) {
    [this.a, this.b, this.c, this.d] = words;
    // Discard the first outputs: sfc32 mixes poorly for a few rounds after seeding.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A stream for `seed` and a label path, e.g. (seed, 'dkfz', 'patient', 17). */
  static derive(seed: number | string, ...labels: (string | number)[]): SeededRandom {
    const digest = createHash('sha256')
      .update(`dataspace-demo\u0000${String(seed)}\u0000${labels.join('\u0000')}`)
      .digest();
    return new SeededRandom([digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12)]);
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by relative weight; `weightOf` may return 0 to exclude an item. */
  weighted<T>(items: readonly T[], weightOf: (item: T) => number): T {
    let total = 0;
    for (const item of items) total += weightOf(item);
    let u = this.next() * total;
    for (const item of items) {
      u -= weightOf(item);
      if (u < 0) return item;
    }
    return items[items.length - 1]!;
  }

  /** Standard normal (Marsaglia polar method). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.next() * 2 - 1;
      v = this.next() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + sd * u * f;
  }

  exponential(rate: number): number {
    return -Math.log(1 - this.next()) / rate;
  }

  /** Poisson by inversion; the generator only uses small means. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit && k < 1000) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** A lower-case hex string of `bytes` random bytes. */
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i += 4) out += this.nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, bytes * 2);
  }

  /** An RFC 4122 version-4-shaped UUID (deterministic, so not actually random). */
  uuid(): string {
    const h = this.hex(16);
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A digit string of fixed length (leading zeros allowed). */
  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += String(this.int(0, 9));
    return out;
  }
}
