import { useEffect, useState } from 'react';
import { invoke } from '../api';

const cache = new Map<string, string | null>();
const pending = new Set<string>();

/** Thumbnails by image name, fetched in batches for the rows on screen and kept for the session. */
export function useThumbs(names: (string | null | undefined)[]): Map<string, string | null> {
  const [, bump] = useState(0);
  const wanted = names.filter((n): n is string => !!n && !cache.has(n) && !pending.has(n));
  const key = wanted.join('|');
  useEffect(() => {
    if (!key) return;
    const batch = key.split('|').slice(0, 200);
    for (const n of batch) pending.add(n);
    void invoke('catalog.thumbs', { images: batch }).then((r) => {
      for (const n of batch) {
        pending.delete(n);
        cache.set(n, r.ok ? (r.value[n] ?? null) : null);
      }
      bump((x) => x + 1);
    });
  }, [key]);
  return cache;
}

export function forgetThumb(name: string | null | undefined): void {
  if (name) cache.delete(name);
}
