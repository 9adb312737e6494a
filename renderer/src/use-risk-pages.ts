// The scored admissions of the latest run, paged lazily (use-paged-rows.ts).
import { useCallback } from 'react';
import type { RiskLevel, RiskScoreRow, RiskSortKey } from '../../main/api/contract.ts';
import { engineClient } from './api-client.ts';
import { usePagedRows, type PagedRows } from './use-paged-rows.ts';

export interface RiskQuery {
  sort: RiskSortKey;
  descending: boolean;
  level: RiskLevel | null;
}

export function useRiskPages(query: RiskQuery, dataVersion: string): PagedRows<RiskScoreRow> {
  const { sort, descending, level } = query;
  const fetchPage = useCallback(
    (offset: number, limit: number) => engineClient.api.listRiskScores({ offset, limit, sort, descending, ...(level ? { level } : {}) }),
    [sort, descending, level],
  );
  return usePagedRows(`${sort}:${descending ? 'desc' : 'asc'}:${level ?? 'all'}:${dataVersion}`, fetchPage);
}
