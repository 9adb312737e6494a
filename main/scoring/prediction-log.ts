// Reads of the prediction log: the latest scoring run as the Risk view shows it. Levels are
// recomputed from the stored risk with the thresholds in force; the log keeps the level each
// prediction had when it was made.
import type { RiskLevel, RiskPage, RiskScoreRow, RiskSortKey, RiskSummary, RiskThresholds } from '../api/contract.ts';
import type { ReadableDB } from '../store/database.ts';
import { sql, type SqlQuery } from '../store/sql.ts';
import type { ScoringSummary } from './readmission-scoring.ts';

interface RunRow {
  id: number;
  model_id: string;
  name: string;
  version: string;
  finished_at: string;
  admissions: number;
  seconds: number;
  summary: string;
}

interface PredictionRow {
  encounter_key: string;
  pseudonym: string;
  admit_day: number;
  length_of_stay: number;
  risk: number;
  top_factors: string;
  lace: number;
  hospital: number;
  readmitted: 0 | 1;
}

const HISTOGRAM_BINS = 20;

const SORT_COLUMNS: Record<RiskSortKey, SqlQuery> = {
  risk: sql`risk`,
  lace: sql`lace`,
  hospital: sql`hospital`,
  pseudonym: sql`pseudonym`,
  lengthOfStayDays: sql`length_of_stay`,
};

const levelCondition = (level: RiskLevel | undefined, t: RiskThresholds): SqlQuery =>
  level === 'high' ? sql`AND risk >= ${t.high}` : level === 'moderate' ? sql`AND risk >= ${t.moderate} AND risk < ${t.high}` : level === 'low' ? sql`AND risk < ${t.moderate}` : sql``;

export class PredictionLog {
  constructor(private readonly db: ReadableDB) {}

  private latestRun(): RunRow | undefined {
    return this.db.get<RunRow>(sql`SELECT r.id, r.model_id, m.name, m.version, r.finished_at, r.admissions, r.seconds, r.summary
      FROM score_run r JOIN model m ON m.id = r.model_id ORDER BY r.id DESC LIMIT 1`);
  }

  list(request: { offset: number; limit: number; sort?: RiskSortKey; descending?: boolean; level?: RiskLevel }, thresholds: RiskThresholds): RiskPage {
    const run = this.latestRun();
    if (!run) return { total: 0, offset: request.offset, rows: [] };
    const where = sql`run_id = ${run.id} ${levelCondition(request.level, thresholds)}`;
    const total = this.db.pluck<number>(sql`SELECT count(*) FROM prediction WHERE ${where}`) ?? 0;
    const order = SORT_COLUMNS[request.sort ?? 'risk'];
    const direction = (request.descending ?? request.sort === undefined) ? sql`DESC` : sql`ASC`;
    const rows = this.db.all<PredictionRow>(sql`SELECT encounter_key, pseudonym, admit_day, length_of_stay, risk, top_factors, lace, hospital, readmitted
      FROM prediction WHERE ${where} ORDER BY ${order} ${direction}, id LIMIT ${request.limit} OFFSET ${request.offset}`);
    return {
      total,
      offset: request.offset,
      rows: rows.map((r): RiskScoreRow => ({
        encounterKey: r.encounter_key,
        pseudonym: r.pseudonym,
        admitDay: r.admit_day,
        lengthOfStayDays: r.length_of_stay,
        risk: r.risk,
        level: r.risk >= thresholds.high ? 'high' : r.risk >= thresholds.moderate ? 'moderate' : 'low',
        topFactors: JSON.parse(r.top_factors) as RiskScoreRow['topFactors'],
        lace: r.lace,
        hospital: r.hospital,
        readmitted30d: r.readmitted,
      })),
    };
  }

  summary(thresholds: RiskThresholds): RiskSummary {
    const run = this.latestRun();
    const histogram = Array.from({ length: HISTOGRAM_BINS }, (_, b) => ({ from: b / HISTOGRAM_BINS, to: (b + 1) / HISTOGRAM_BINS, count: 0 }));
    const levels: Record<RiskLevel, number> = { low: 0, moderate: 0, high: 0 };
    if (!run) return { run: null, thresholds, levels, histogram, metrics: null, curves: null };
    const bins = this.db.all<{ bin: number; n: number }>(sql`SELECT min(CAST(risk * ${HISTOGRAM_BINS} AS INTEGER), ${HISTOGRAM_BINS - 1}) AS bin, count(*) AS n
      FROM prediction WHERE run_id = ${run.id} GROUP BY bin`);
    for (const b of bins) histogram[b.bin]!.count = b.n;
    const counts = this.db.get<Record<RiskLevel, number>>(sql`SELECT
        sum(risk >= ${thresholds.high}) AS high,
        sum(risk >= ${thresholds.moderate} AND risk < ${thresholds.high}) AS moderate,
        sum(risk < ${thresholds.moderate}) AS low
      FROM prediction WHERE run_id = ${run.id}`);
    for (const level of ['low', 'moderate', 'high'] as const) levels[level] = counts?.[level] ?? 0;
    const stored = JSON.parse(run.summary) as ScoringSummary;
    return {
      run: { id: run.id, modelId: run.model_id, modelName: run.name, modelVersion: run.version, scoredAt: run.finished_at, admissions: run.admissions, seconds: run.seconds },
      thresholds,
      levels,
      histogram,
      metrics: stored.metrics,
      curves: stored.curves,
    };
  }
}
