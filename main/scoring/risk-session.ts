// An onnxruntime-node session for a risk model: created once, scores batches. The native addon is
// imported lazily (STYLE.md, "Native addons") so importing this module costs nothing until a score.
import type * as Ort from 'onnxruntime-node';
import { INPUT_NAME, OUTPUT_NAME } from './risk-model-graphs.ts';

/** A loaded model that maps feature rows to risks. */
export class RiskSession {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    readonly featureCount: number,
  ) {}

  /** Loads ONNX bytes (already signature-checked by the caller) for `featureCount` inputs. */
  static async create(model: Uint8Array, featureCount: number, options: { intraOpThreads?: number } = {}): Promise<RiskSession> {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(model, {
      intraOpNumThreads: options.intraOpThreads ?? 1,
      graphOptimizationLevel: 'all',
    });
    if (!session.inputNames.includes(INPUT_NAME) || !session.outputNames.includes(OUTPUT_NAME)) {
      await session.release();
      throw new TypeError(`a risk model needs input "${INPUT_NAME}" and output "${OUTPUT_NAME}"`);
    }
    return new RiskSession(ort, session, featureCount);
  }

  /** Risks of row-major rows [n, featureCount], in batches of `batchSize` rows. */
  async score(rows: Float32Array, batchSize = 65_536): Promise<Float32Array> {
    const width = this.featureCount;
    if (rows.length % width !== 0) throw new RangeError(`rows length ${rows.length} is not a multiple of ${width}`);
    const n = rows.length / width;
    const out = new Float32Array(n);
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const input = new this.ort.Tensor('float32', rows.subarray(start * width, (start + count) * width), [count, width]);
      const result = await this.session.run({ [INPUT_NAME]: input });
      out.set(result[OUTPUT_NAME]!.data as Float32Array, start);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
