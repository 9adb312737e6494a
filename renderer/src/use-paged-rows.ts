// Lazily loads a long list in pages of 200 as rows scroll into view. Pages are cached per query
// key (sort, direction, filters, data version); a new key starts from an empty cache.
import { useCallback, useRef, useState } from 'react';
import type { ApiError } from '../../main/api/contract.ts';
import { asApiError } from './api-client.ts';

export const PAGE_SIZE = 200;

/** A page as the engine returns it. */
export interface FetchedPage<Row> {
  total: number;
  rows: Row[];
}

interface PageCache<Row> {
  key: string;
  total: number | null;
  pages: ReadonlyMap<number, Row[]>;
  error: ApiError | null;
}

export interface PagedRows<Row> {
  /** Null until the first page has arrived. */
  total: number | null;
  row(index: number): Row | undefined;
  error: ApiError | null;
  /** Loads the pages covering rows `first`..`last` (inclusive) that are not cached yet. */
  loadRange(first: number, last: number): void;
}

// One shared empty map: its identity stays stable across renders until a page arrives.
const EMPTY_PAGES: ReadonlyMap<number, never[]> = new Map();
const emptyCache = <Row>(key: string): PageCache<Row> => ({ key, total: null, pages: EMPTY_PAGES, error: null });

/** `fetchPage` must change exactly when `key` does (it captures the same query). */
export function usePagedRows<Row>(key: string, fetchPage: (offset: number, limit: number) => Promise<FetchedPage<Row>>): PagedRows<Row> {
  const [cache, setCache] = useState<PageCache<Row>>(() => emptyCache(key));
  const inFlight = useRef(new Set<string>());
  const current = cache.key === key ? cache : emptyCache<Row>(key);
  const loaded = current.pages;

  const loadPage = useCallback(
    (page: number) => {
      const id = `${key}#${page}`;
      if (inFlight.current.has(id)) return;
      inFlight.current.add(id);
      fetchPage(page * PAGE_SIZE, PAGE_SIZE)
        .then(
          (result) =>
            setCache((c) => {
              const pages = new Map((c.key === key ? c : emptyCache<Row>(key)).pages);
              pages.set(page, result.rows);
              return { key, total: result.total, pages, error: null };
            }),
          (error: unknown) => setCache((c) => ({ ...(c.key === key ? c : emptyCache<Row>(key)), error: asApiError(error) })),
        )
        .finally(() => inFlight.current.delete(id));
    },
    [key, fetchPage],
  );

  const loadRange = useCallback(
    (first: number, last: number) => {
      const firstPage = Math.floor(Math.max(0, first) / PAGE_SIZE);
      const lastPage = Math.floor(Math.max(0, last) / PAGE_SIZE);
      for (let page = firstPage; page <= lastPage; page += 1) {
        if (!loaded.has(page)) loadPage(page);
      }
    },
    [loaded, loadPage],
  );

  return {
    total: current.total,
    error: current.error,
    row: (index) => loaded.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE],
    loadRange,
  };
}
