// Append-only, hash-chained audit trail. Each row carries the hash of the previous one; the
// chain head (last seq and hash) is kept with a keyed MAC so truncating or appending rows
// outside the app is detected too. `verify` names the first row that does not fit.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditEntry, AuditPage, AuditVerifyResult } from '../api/contract.ts';
import type { ReadableDB, WritableDB } from '../store/database.ts';
import { sql } from '../store/sql.ts';

interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  details: string;
  prev_hash: string;
  hash: string;
}

interface ChainHead {
  seq: number;
  hash: string;
  mac: string;
}

const GENESIS = '0'.repeat(64);
const HEAD_KEY = 'audit.head';

function rowHash(row: Omit<AuditRow, 'hash'>): string {
  return createHash('sha256')
    .update(JSON.stringify([row.seq, row.at, row.actor, row.action, row.details, row.prev_hash]))
    .digest('hex');
}

export class AuditTrail {
  constructor(
    private readonly db: WritableDB,
    private readonly headKey: Buffer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private headMac(seq: number, hash: string): string {
    return createHmac('sha256', this.headKey).update(`${seq}:${hash}`).digest('hex');
  }

  /** Appends one entry. `details` must hold no identifier, path or date of a patient. */
  append(actor: string, action: string, details: Record<string, unknown> = {}): AuditEntry {
    return this.db.transaction(() => {
      const last = this.db.get<{ seq: number; hash: string }>(sql`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`);
      const row = {
        seq: (last?.seq ?? 0) + 1,
        at: this.now().toISOString(),
        actor,
        action,
        details: JSON.stringify(details),
        prev_hash: last?.hash ?? GENESIS,
      };
      const hash = rowHash(row);
      this.db.run(sql`INSERT INTO audit (seq, at, actor, action, details, prev_hash, hash)
        VALUES (${row.seq}, ${row.at}, ${row.actor}, ${row.action}, ${row.details}, ${row.prev_hash}, ${hash})`);
      const head: ChainHead = { seq: row.seq, hash, mac: this.headMac(row.seq, hash) };
      this.db.run(sql`INSERT INTO meta (key, value) VALUES (${HEAD_KEY}, ${JSON.stringify(head)})
        ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
      return { seq: row.seq, at: row.at, actor, action, details, hash };
    });
  }

  /** Re-walks the whole chain. */
  verify(reader: ReadableDB = this.db): AuditVerifyResult {
    const problems: AuditVerifyResult['problems'] = [];
    const rows = reader.all<AuditRow>(sql`SELECT seq, at, actor, action, details, prev_hash, hash FROM audit ORDER BY seq`);
    let expectedSeq = 1;
    let prevHash = GENESIS;
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        const missing = row.seq > expectedSeq ? `${expectedSeq}..${row.seq - 1}` : String(row.seq);
        problems.push({ seq: row.seq, kind: row.seq > expectedSeq ? 'deleted' : 'inserted', message: `Rows ${missing} are missing before row ${row.seq}.` });
      } else if (row.prev_hash !== prevHash) {
        problems.push({ seq: row.seq, kind: 'inserted', message: `Row ${row.seq} does not follow the row before it (previous-hash mismatch).` });
      }
      if (rowHash(row) !== row.hash) {
        problems.push({ seq: row.seq, kind: 'edited', message: `Row ${row.seq} was changed after it was written (hash mismatch).` });
      }
      expectedSeq = row.seq + 1;
      prevHash = row.hash;
    }
    const headText = reader.pluck<string>(sql`SELECT value FROM meta WHERE key = ${HEAD_KEY}`);
    const last = rows[rows.length - 1];
    if (headText === undefined) {
      if (last) problems.push({ seq: null, kind: 'head-mismatch', message: 'The chain head record is missing.' });
    } else {
      const head = JSON.parse(headText) as ChainHead;
      const macOk =
        head.mac.length === 64 &&
        timingSafeEqual(Buffer.from(head.mac, 'hex'), Buffer.from(this.headMac(head.seq, head.hash), 'hex'));
      if (!macOk) {
        problems.push({ seq: null, kind: 'head-mismatch', message: 'The chain head record was altered (MAC mismatch).' });
      } else if (!last || head.seq > last.seq) {
        problems.push({ seq: head.seq, kind: 'deleted', message: `Rows after ${last?.seq ?? 0} up to ${head.seq} were deleted.` });
      } else if (head.seq < last.seq) {
        problems.push({ seq: head.seq + 1, kind: 'inserted', message: `Rows ${head.seq + 1}..${last.seq} were added outside the app.` });
      } else if (head.hash !== last.hash) {
        problems.push({ seq: last.seq, kind: 'edited', message: `The last row ${last.seq} does not match the chain head.` });
      }
    }
    return { ok: problems.length === 0, checked: rows.length, problems };
  }

  list(reader: ReadableDB, request: { offset: number; limit: number; action?: string }): AuditPage {
    const filter = request.action ? sql`WHERE action = ${request.action}` : sql``;
    const total = reader.pluck<number>(sql`SELECT count(*) FROM audit ${filter}`) ?? 0;
    const rows = reader.all<AuditRow>(
      sql`SELECT seq, at, actor, action, details, hash FROM audit ${filter} ORDER BY seq DESC LIMIT ${request.limit} OFFSET ${request.offset}`,
    );
    const entries: AuditEntry[] = rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      actor: r.actor,
      action: r.action,
      details: JSON.parse(r.details) as Record<string, unknown>,
      hash: r.hash,
    }));
    return { total, entries };
  }
}
