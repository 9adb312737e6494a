// Lazily loads the scored admissions in pages of 200 as rows scroll into view. Pages are cached
// per query (sort, direction, level filter, data version); a new query starts from an empty cache.
import { useCallback, useRef, useState } from 'react';
import type { ApiError, RiskLevel, RiskScoreRow, RiskSortKey } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';

export const RISK_PAGE_SIZE = 200;

export interface RiskQuery {
  sort: RiskSortKey;
  descending: boolean;
  level: RiskLevel | null;
}

interface PageCache {
  key: string;
  total: number | null;
  pages: ReadonlyMap<number, RiskScoreRow[]>;
  error: ApiError | null;
}

export interface RiskPages {
  /** Null until the first page has arrived. */
  total: number | null;
  row(index: number): RiskScoreRow | undefined;
  error: ApiError | null;
  /** Loads the pages covering rows `first`..`last` (inclusive) that are not cached yet. */
  loadRange(first: number, last: number): void;
}

const EMPTY_PAGES: ReadonlyMap<number, RiskScoreRow[]> = new Map();
const emptyCache = (key: string): PageCache => ({
  key,
  total: null,
  pages: EMPTY_PAGES,
  error: null,
});

export function useRiskPages(query: RiskQuery, dataVersion: string): RiskPages {
  const key = `${query.sort}:${query.descending ? 'desc' : 'asc'}:${query.level ?? 'all'}:${dataVersion}`;
  const [cache, setCache] = useState<PageCache>(() => emptyCache(key));
  const inFlight = useRef(new Set<string>());
  const current = cache.key === key ? cache : emptyCache(key);
  const loaded = current.pages;

  const loadPage = useCallback(
    (page: number) => {
      const id = `${key}#${page}`;
      if (inFlight.current.has(id)) return;
      inFlight.current.add(id);
      engineClient.api
        .listRiskScores({
          offset: page * RISK_PAGE_SIZE,
          limit: RISK_PAGE_SIZE,
          sort: query.sort,
          descending: query.descending,
          ...(query.level ? { level: query.level } : {}),
        })
        .then(
          (result) =>
            setCache((c) => {
              const pages = new Map((c.key === key ? c : emptyCache(key)).pages);
              pages.set(page, result.rows);
              return { key, total: result.total, pages, error: null };
            }),
          (error: unknown) =>
            setCache((c) => ({
              ...(c.key === key ? c : emptyCache(key)),
              error: asApiError(error),
            })),
        )
        .finally(() => inFlight.current.delete(id));
    },
    [key, query.sort, query.descending, query.level],
  );

  const loadRange = useCallback(
    (first: number, last: number) => {
      const firstPage = Math.floor(Math.max(0, first) / RISK_PAGE_SIZE);
      const lastPage = Math.floor(Math.max(0, last) / RISK_PAGE_SIZE);
      for (let page = firstPage; page <= lastPage; page += 1) {
        if (!loaded.has(page)) loadPage(page);
      }
    },
    [loaded, loadPage],
  );

  return {
    total: current.total,
    error: current.error,
    row: (index) => loaded.get(Math.floor(index / RISK_PAGE_SIZE))?.[index % RISK_PAGE_SIZE],
    loadRange,
  };
}
