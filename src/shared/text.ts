import { z } from 'zod';

/**
 * Text that is safe to show, store, print and sync. Every human text field of the contract is
 * declared with `safeLine` (names, SKUs, codes, reasons: one line) or `safeText` (notes: several
 * lines), so a new field is checked by being declared; the contract test fails on a bare
 * `z.string()` that is neither a format nor a pattern.
 *
 * Refused, with a message the renderer words in the UI's language (`UNSAFE_TEXT_KEY`):
 * - NUL and the other C0 controls, DEL and the C1 controls (a line refuses tab and line breaks
 *   too; multi-line text keeps tab, LF and CR);
 * - bidirectional overrides, embeddings, isolates and marks (U+202A–U+202E, U+2066–U+2069,
 *   U+200E, U+200F, U+061C): they make a name read differently from what it is ("txt.exe");
 * - zero-width characters (U+200B–U+200D, U+2060, U+FEFF): they make two names that look the
 *   same differ. U+200D (the zero-width joiner) also glues emoji sequences together; a point of
 *   sale loses nothing by refusing emoji families in names, so it is refused too;
 * - lone surrogates (not text at all; they break UTF-8 files and exports).
 */

/** The i18n key of the refusal; the router passes it to the renderer with the issue. */
export const UNSAFE_TEXT_KEY = 'errors.unsafeText';

const INVISIBLE = '\\u061C\\u200B-\\u200F\\u202A-\\u202E\\u2060\\u2066-\\u2069\\uFEFF';
const LONE_SURROGATE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const UNSAFE_LINE = new RegExp(`[\\u0000-\\u001F\\u007F-\\u009F${INVISIBLE}]|${LONE_SURROGATE}`);
const UNSAFE_TEXT = new RegExp(`[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F${INVISIBLE}]|${LONE_SURROGATE}`);

/** One line of text (a name, an SKU, a reason) holds nothing hidden and no control character. */
export function isSafeLine(s: string): boolean {
  return !UNSAFE_LINE.test(s);
}

/** Multi-line text (notes, a receipt footer): as a line, but tab and line breaks are allowed. */
export function isSafeText(s: string): boolean {
  return !UNSAFE_TEXT.test(s);
}

const MESSAGE = 'must not contain control, zero-width or text-direction characters';

interface TextOptions {
  /** Least length after trimming (default 0). */
  min?: number;
  /** Trim surrounding white space first (default true). */
  trim?: boolean;
}

function build(max: number, o: TextOptions, check: (s: string) => boolean) {
  let s = z.string();
  if (o.trim ?? true) s = s.trim();
  if (o.min) s = s.min(o.min);
  return s.max(max).refine(check, { message: MESSAGE, params: { messageKey: UNSAFE_TEXT_KEY } });
}

/** A one-line human text field of at most `max` characters. */
export function safeLine(max: number, o: TextOptions = {}) {
  return build(max, o, isSafeLine);
}

/** A multi-line human text field of at most `max` characters. */
export function safeText(max: number, o: TextOptions = {}) {
  return build(max, o, isSafeText);
}

/** The checks `safeLine`/`safeText` add, so a test can tell a checked string from a bare one. */
export const SAFE_TEXT_CHECKS: readonly ((s: string) => boolean)[] = [isSafeLine, isSafeText];
