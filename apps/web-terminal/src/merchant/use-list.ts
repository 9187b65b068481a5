import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiProblem } from '../shared/api';
import { Page, appendPage } from './paging';

export interface ListState<T> {
  items: T[];
  loading: boolean;
  error: string | null;
  hasMore: boolean;
  more(): void;
  reload(): void;
}

/**
 * One cursor-paged list: the first page whenever `load` changes (it changes with the filters), the next on more().
 * An answer that arrives after the filters changed again is dropped.
 */
export function useList<T>(load: (cursor: string | null) => Promise<Page<T>>, key: (item: T) => string, networkError: string): ListState<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const keyRef = useRef(key);
  keyRef.current = key;

  const fetchPage = useCallback(async (from: string | null) => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const page = await load(from);
      if (mine !== generation.current) return;
      setItems((shown) => (from ? appendPage(shown, page, keyRef.current) : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      if (mine !== generation.current) return;
      setError(err instanceof ApiProblem ? err.message : networkError);
      if (!from) setItems([]);
      setCursor(null);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, [load, networkError]);

  useEffect(() => void fetchPage(null), [fetchPage]);

  return {
    items, loading, error, hasMore: cursor !== null,
    more: () => void (cursor && fetchPage(cursor)),
    reload: () => void fetchPage(null),
  };
}
