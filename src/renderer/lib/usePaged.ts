import { useCallback, useEffect, useRef, useState } from 'react';

export const PAGE = 100;

interface Pages<T> {
  key: string;
  pages: Record<number, T[]>;
  hasMore: boolean;
  loaded: number;
}

/**
 * Rows of a long list fetched a page at a time as they scroll into view (the server filters, sorts
 * and pages in SQL). `count` is what is loaded plus one more page while the server says there is
 * more. A new `key` (filter, sort) starts over.
 */
export function usePaged<T>(key: string, fetchPage: (offset: number, limit: number) => Promise<{ items: T[]; hasMore: boolean } | null>) {
  const [state, setState] = useState<Pages<T>>({ key, pages: {}, hasMore: true, loaded: 0 });
  const current: Pages<T> = state.key === key ? state : { key, pages: {}, hasMore: true, loaded: 0 };
  const fetchRef = useRef(fetchPage);
  const keyRef = useRef(key);
  useEffect(() => {
    fetchRef.current = fetchPage;
    keyRef.current = key;
  });

  /** Pages asked for (or loaded) under the key in `askedFor`; a new key forgets them. */
  const asked = useRef({ key, pages: new Set<number>() });
  const ensure = useCallback((page: number) => {
    const k = keyRef.current;
    if (asked.current.key !== k) asked.current = { key: k, pages: new Set() };
    const pages = asked.current.pages;
    if (pages.has(page)) return;
    pages.add(page);
    void fetchRef.current(page * PAGE, PAGE).then((r) => {
      if (!r) {
        pages.delete(page);
        return;
      }
      if (k !== keyRef.current) return;
      setState((s) => {
        const base = s.key === k ? s : { key: k, pages: {}, hasMore: true, loaded: 0 };
        return {
          key: k,
          pages: { ...base.pages, [page]: r.items },
          hasMore: r.hasMore,
          loaded: Math.max(base.loaded, page * PAGE + r.items.length),
        };
      });
    });
  }, []);

  const rowAt = (i: number): T | undefined => current.pages[Math.floor(i / PAGE)]?.[i % PAGE];
  const count = current.loaded + (current.hasMore ? PAGE : 0);
  return { rowAt, count, ensure, done: !current.hasMore };
}
