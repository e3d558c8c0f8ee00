import { useEffect, useRef } from 'react';

const ACTIVITY = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

/** Calls `onIdle` once after `idleMs` without keyboard, mouse or touch activity. */
export function useIdleLock(idleMs: number | null, onIdle: () => void): void {
  const callback = useRef(onIdle);
  useEffect(() => {
    callback.current = onIdle;
  });

  useEffect(() => {
    if (!idleMs || idleMs <= 0) return;
    let lastActivity = Date.now();
    let fired = false;
    const touch = () => {
      lastActivity = Date.now();
    };
    for (const ev of ACTIVITY) window.addEventListener(ev, touch, { capture: true, passive: true });
    const tick = setInterval(
      () => {
        if (!fired && Date.now() - lastActivity >= idleMs) {
          fired = true;
          callback.current();
        }
      },
      Math.min(5000, Math.max(250, Math.floor(idleMs / 4))),
    );
    return () => {
      clearInterval(tick);
      for (const ev of ACTIVITY) window.removeEventListener(ev, touch, { capture: true });
    };
  }, [idleMs]);
}
