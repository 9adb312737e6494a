// Remembers the cohort behind each release and refuses a new release whose cohort differs
// from an earlier one by fewer patients than the minimum cell size: subtracting the two
// releases would describe that handful of patients (differencing attack; ONS disclosure
// control guidance on overlapping and nested tables). The ledger never leaves the node.
import { createHash } from 'node:crypto';
import { DEFAULT_DISCLOSURE_POLICY, DisclosureRefusedError } from './disclosure-policy.ts';
import type { DisclosurePolicy } from './disclosure-policy.ts';

/** One earlier release: its id, when, and the (hashed) members of its cohort. */
export interface ReleaseRecord {
  releaseId: string;
  releasedAt: string;
  memberHashes: string[];
}

// Members are kept as SHA-256 of the pseudonym so the ledger is not a second patient index.
function memberHash(pseudonym: string): string {
  return createHash('sha256').update(`dsp-release-ledger\0${pseudonym}`).digest('hex');
}

/** The release ledger; serialise `records` to persist it. */
export class ReleaseLedger {
  readonly #records: { releaseId: string; releasedAt: string; members: Set<string> }[];

  constructor(
    records: readonly ReleaseRecord[] = [],
    readonly policy: DisclosurePolicy = DEFAULT_DISCLOSURE_POLICY,
  ) {
    this.#records = records.map((r) => ({ releaseId: r.releaseId, releasedAt: r.releasedAt, members: new Set(r.memberHashes) }));
  }

  /** Throws DisclosureRefusedError if the cohort is too small or too close to an earlier one. */
  check(cohort: Iterable<string>): void {
    const members = new Set([...cohort].map(memberHash));
    const min = this.policy.minimumCellSize;
    if (members.size < min) throw new DisclosureRefusedError(`The cohort has fewer than ${min} patients.`, 'cohort-below-minimum');
    for (const earlier of this.#records) {
      // Both directions count: patients added since, and patients dropped since.
      const added = [...members].filter((m) => !earlier.members.has(m)).length;
      const removed = [...earlier.members].filter((m) => !members.has(m)).length;
      if ((added > 0 && added < min) || (removed > 0 && removed < min)) {
        throw new DisclosureRefusedError(
          `This cohort differs from release ${earlier.releaseId} by ${added} added and ${removed} removed patients; ` +
            `differences below ${min} would let the two releases be subtracted.`,
          'differencing-risk',
        );
      }
    }
  }

  /** Checks, then records the release. */
  record(releaseId: string, cohort: Iterable<string>, at: Date = new Date()): ReleaseRecord {
    const list = [...cohort];
    this.check(list);
    const entry = { releaseId, releasedAt: at.toISOString(), members: new Set(list.map(memberHash)) };
    this.#records.push(entry);
    return { releaseId, releasedAt: entry.releasedAt, memberHashes: [...entry.members] };
  }

  get records(): ReleaseRecord[] {
    return this.#records.map((r) => ({ releaseId: r.releaseId, releasedAt: r.releasedAt, memberHashes: [...r.members] }));
  }
}
