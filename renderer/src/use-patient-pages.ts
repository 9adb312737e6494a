// Lazily loads the patient list in pages of 200 as rows scroll into view. Pages are cached per
// query (sort, direction, store version); a new query starts from an empty cache.
import { useCallback, useRef, useState } from 'react';
import type { ApiError, PatientRow, PatientSortKey } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';

export const PATIENT_PAGE_SIZE = 200;

export interface PatientQuery {
  sort: PatientSortKey;
  descending: boolean;
}

interface PageCache {
  key: string;
  total: number | null;
  pages: ReadonlyMap<number, PatientRow[]>;
  error: ApiError | null;
}

export interface PatientPages {
  /** Null until the first page has arrived. */
  total: number | null;
  row(index: number): PatientRow | undefined;
  error: ApiError | null;
  /** Loads the pages covering rows `first`..`last` (inclusive) that are not cached yet. */
  loadRange(first: number, last: number): void;
}

const EMPTY_PAGES: ReadonlyMap<number, PatientRow[]> = new Map();

export function usePatientPages(query: PatientQuery, dataVersion: number): PatientPages {
  const key = `${query.sort}:${query.descending ? 'desc' : 'asc'}:${dataVersion}`;
  const [cache, setCache] = useState<PageCache>({
    key,
    total: null,
    pages: EMPTY_PAGES,
    error: null,
  });
  const inFlight = useRef(new Set<string>());
  const current = cache.key === key ? cache : { key, total: null, pages: EMPTY_PAGES, error: null };
  const loaded = current.pages;

  const loadPage = useCallback(
    (page: number) => {
      const id = `${key}#${page}`;
      if (inFlight.current.has(id)) return;
      inFlight.current.add(id);
      engineClient.api
        .listPatients({
          offset: page * PATIENT_PAGE_SIZE,
          limit: PATIENT_PAGE_SIZE,
          sort: query.sort,
          descending: query.descending,
        })
        .then(
          (result) =>
            setCache((c) => {
              const base =
                c.key === key ? c : { key, total: null, pages: EMPTY_PAGES, error: null };
              const pages = new Map(base.pages);
              pages.set(page, result.patients);
              return { key, total: result.total, pages, error: null };
            }),
          (error: unknown) =>
            setCache((c) => ({
              ...(c.key === key ? c : { key, total: null, pages: EMPTY_PAGES }),
              error: asApiError(error),
            })),
        )
        .finally(() => inFlight.current.delete(id));
    },
    [key, query.sort, query.descending],
  );

  const loadRange = useCallback(
    (first: number, last: number) => {
      const firstPage = Math.floor(Math.max(0, first) / PATIENT_PAGE_SIZE);
      const lastPage = Math.floor(Math.max(0, last) / PATIENT_PAGE_SIZE);
      for (let page = firstPage; page <= lastPage; page += 1) {
        if (!loaded.has(page)) loadPage(page);
      }
    },
    [loaded, loadPage],
  );

  return {
    total: current.total,
    error: current.error,
    row: (index) => loaded.get(Math.floor(index / PATIENT_PAGE_SIZE))?.[index % PATIENT_PAGE_SIZE],
    loadRange,
  };
}
