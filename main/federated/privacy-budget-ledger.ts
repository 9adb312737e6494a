// Optional Laplace noise (Dwork, McSherry, Nissim, Smith 2006) with a ledger of the privacy
// budget spent; sequential composition: the epsilons of all releases add up.
import { randomBytes } from 'node:crypto';
import { DisclosureRefusedError } from './disclosure-policy.ts';

/** One spend of privacy budget. */
export interface PrivacyBudgetEntry {
  purpose: string;
  epsilon: number;
  at: string;
}

/** A serialisable state of the ledger (the store keeps it; the entries are the audit). */
export interface PrivacyBudgetState {
  totalEpsilon: number;
  entries: PrivacyBudgetEntry[];
}

/** Tracks the epsilon spent against a total and refuses a spend that would exceed it. */
export class PrivacyBudgetLedger {
  readonly #state: PrivacyBudgetState;

  constructor(state: PrivacyBudgetState) {
    if (!(state.totalEpsilon > 0)) throw new DisclosureRefusedError('The privacy budget must be positive.', 'invalid-budget');
    this.#state = { totalEpsilon: state.totalEpsilon, entries: [...state.entries] };
  }

  get spent(): number {
    return this.#state.entries.reduce((a, e) => a + e.epsilon, 0);
  }

  get remaining(): number {
    return this.#state.totalEpsilon - this.spent;
  }

  /** Records a spend, or throws if it would overrun the budget (nothing is recorded then). */
  spend(epsilon: number, purpose: string, at: Date = new Date()): void {
    if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new DisclosureRefusedError('Epsilon must be a positive number.', 'invalid-epsilon');
    if (epsilon > this.remaining + 1e-12) {
      throw new DisclosureRefusedError(
        `The privacy budget is exhausted: ${this.remaining.toFixed(3)} of ${this.#state.totalEpsilon} left, ${epsilon} requested for ${purpose}.`,
        'privacy-budget-exhausted',
      );
    }
    this.#state.entries.push({ purpose, epsilon, at: at.toISOString() });
  }

  toJSON(): PrivacyBudgetState {
    return { totalEpsilon: this.#state.totalEpsilon, entries: this.#state.entries.map((e) => ({ ...e })) };
  }
}

/** Uniform in (0, 1) from 53 CSPRNG bits. */
export function cryptoUniform(): number {
  const bits = randomBytes(8).readBigUInt64BE() >> 11n;
  return (Number(bits) + 0.5) / 2 ** 53;
}

/**
 * Adds Laplace(sensitivity / epsilon) noise after charging the ledger. Counts come back
 * rounded to integers, which is post-processing (no extra privacy cost) and also blunts the
 * floating-point attack on naive Laplace samplers (Mironov 2012).
 */
export function addLaplaceNoise(
  value: number,
  options: { sensitivity: number; epsilon: number; purpose: string; integer?: boolean },
  ledger: PrivacyBudgetLedger,
  uniform: () => number = cryptoUniform,
): number {
  if (!(options.sensitivity > 0)) throw new DisclosureRefusedError('Sensitivity must be positive.', 'invalid-sensitivity');
  ledger.spend(options.epsilon, options.purpose);
  const scale = options.sensitivity / options.epsilon;
  const u = uniform() - 0.5;
  const noise = -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  const noisy = value + noise;
  return options.integer === false ? noisy : Math.max(0, Math.round(noisy));
}
