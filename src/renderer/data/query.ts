import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, Result } from '../../shared/errors';

/**
 * A query over a data module's function: the answer (null until the first one arrives; kept while
 * the next loads), the refusal if any, and reload() for after a change. An answer that arrives after
 * a newer request started is dropped.
 */
export function useQuery<I, O>(
  fetch: (input: I) => Promise<Result<O>>,
  input: I,
  options: { onError?: (error: ApiError) => void; enabled?: boolean } = {},
): { data: O | null; error: ApiError | null; reload: () => Promise<void> } {
  const key = JSON.stringify(input);
  const [data, setData] = useState<O | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const latest = useRef(0);
  const onError = useRef(options.onError);
  useEffect(() => {
    onError.current = options.onError;
  }, [options.onError]);

  const reload = useCallback(async () => {
    const ticket = ++latest.current;
    const r = await fetch(JSON.parse(key) as I);
    if (ticket !== latest.current) return;
    if (r.ok) {
      setData(r.value);
      setError(null);
    } else {
      setError(r.error);
      onError.current?.(r.error);
    }
  }, [fetch, key]);

  const enabled = options.enabled ?? true;
  useEffect(() => {
    if (enabled) void reload(); // eslint-disable-line react-hooks/set-state-in-effect -- reload awaits the answer before setting state
  }, [reload, enabled]);

  return { data, error, reload };
}
