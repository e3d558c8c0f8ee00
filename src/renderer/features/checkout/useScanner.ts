import { useEffect, useRef, type RefObject } from 'react';
import { ORDER_NUMBER } from '../../../shared/api';

/** Keys from a keyboard-wedge scanner arrive this close together; people type slower. */
export const SCAN_GAP_MS = 50;
/** The shortest code a scanner burst may carry. */
export const MIN_SCAN_LENGTH = 3;
/** A typed code (no scanner) in the search box: digits only, at least this long. */
export const TYPED_CODE = /^\d{6,}$/;

/** Sent to an input that received a scanner burst, so it can drop the scanned characters. */
export const SCANNED_EVENT = 'countertop:scanned';

export interface ScannerOptions {
  /** False while a dialog is open or the screen is not the counter. */
  enabled: boolean;
  onScan(code: string): void;
  /** The search box: scanned characters are removed from it, slow typing elsewhere goes into it. */
  search: RefObject<HTMLInputElement | null>;
  stripFromSearch(code: string): void;
  typeIntoSearch(text: string): void;
}

function isEditable(el: EventTarget | null): el is HTMLElement {
  if (!(el instanceof HTMLElement)) return false;
  if (el.isContentEditable) return true;
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) return true;
  if (el instanceof HTMLInputElement) {
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(el.type);
  }
  return false;
}

/**
 * A global keydown listener (capture phase, so it sees keys before any field): printable keys
 * that arrive fast form a burst; Enter after a burst of 3+ characters is a scan. Works with the
 * focus anywhere on the screen. Each Enter is handled in exactly one place, so a scan is never
 * submitted twice, and scanned characters never stay in a field.
 */
export function useScanner(options: ScannerOptions): void {
  const opts = useRef(options);
  useEffect(() => {
    opts.current = options;
  });

  useEffect(() => {
    let burst = '';
    let last = 0;
    /** Characters typed while no field had focus, not yet known to be a scan. */
    let loose = '';
    let looseFast = true;
    let looseTimer: ReturnType<typeof setTimeout> | null = null;
    /** When held characters last went to the search box as "typing". */
    let flushedAt = -Infinity;

    const clearLoose = () => {
      loose = '';
      looseFast = true;
      if (looseTimer) clearTimeout(looseTimer);
      looseTimer = null;
    };

    const flushLooseToSearch = () => {
      flushedAt = performance.now();
      const text = loose;
      clearLoose();
      burst = '';
      if (text) opts.current.typeIntoSearch(text);
    };

    const onKeyDown = (e: KeyboardEvent) => {
      if (!opts.current.enabled || document.querySelector('[aria-modal="true"]')) {
        burst = '';
        clearLoose();
        return;
      }
      if (e.isComposing || e.key === 'Process' || e.key === 'Unidentified') return;
      const now = performance.now();
      const target = e.target;
      const editable = isEditable(target);
      const inSearch = target === opts.current.search.current;

      if (e.key === 'Enter') {
        const code = editable ? burst : loose;
        const fast = editable ? code.length >= MIN_SCAN_LENGTH && now - last < SCAN_GAP_MS * 2 : looseFast;
        burst = '';
        if (e.repeat || e.ctrlKey || e.metaKey || e.altKey) {
          clearLoose();
          return;
        }
        if (!editable) {
          clearLoose();
          if (code.length >= MIN_SCAN_LENGTH && (fast || TYPED_CODE.test(code))) {
            e.preventDefault();
            e.stopPropagation();
            opts.current.onScan(code);
          } else if (code) {
            e.preventDefault();
            e.stopPropagation();
            opts.current.typeIntoSearch(code);
          }
          return;
        }
        if (fast) {
          e.preventDefault();
          e.stopPropagation();
          // A burst that began as "typing" (the machine stalled mid-scan, so its first characters
          // went into the search box) is scanned whole when the box holds exactly one code.
          const stalled = now - flushedAt < 1500;
          const whole = stalled && inSearch && target instanceof HTMLInputElement ? target.value.trim() : '';
          const scanned =
            whole.length > code.length && whole.endsWith(code) && (TYPED_CODE.test(whole) || ORDER_NUMBER.test(whole.toUpperCase()))
              ? whole
              : code;
          if (inSearch) opts.current.stripFromSearch(scanned);
          else target.dispatchEvent(new CustomEvent(SCANNED_EVENT, { detail: code }));
          opts.current.onScan(scanned);
        }
        // Otherwise Enter belongs to the field (the search box handles typed codes itself).
        return;
      }

      const printable = e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey;
      if (!printable) {
        if (e.key !== 'Shift' && e.key !== 'CapsLock') burst = '';
        return;
      }
      if (e.key === ' ' && !editable && loose === '') return; // Space still presses buttons

      if (editable) {
        burst = now - last < SCAN_GAP_MS ? burst + e.key : e.key;
        last = now;
        return;
      }

      // No field has the focus: hold the characters until we know whether a scanner sent them.
      e.preventDefault();
      if (loose !== '' && now - last >= SCAN_GAP_MS) looseFast = false;
      loose += e.key;
      last = now;
      if (!looseFast) {
        // A person is typing: hand everything to the search box, which takes the focus.
        flushLooseToSearch();
        return;
      }
      if (looseTimer) clearTimeout(looseTimer);
      looseTimer = setTimeout(flushLooseToSearch, SCAN_GAP_MS * 3);
    };

    window.addEventListener('keydown', onKeyDown, true);
    return () => {
      window.removeEventListener('keydown', onKeyDown, true);
      clearLoose();
    };
  }, []);
}
