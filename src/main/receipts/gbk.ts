/**
 * Unicode -> GBK (the two-byte plane of GB18030) for Chinese thermal printers.
 *
 * Node's TextDecoder can decode GBK (full ICU, the default in Node and Electron builds) but
 * TextEncoder only writes UTF-8, so the reverse table is built once, lazily, by decoding every
 * two-byte sequence. That avoids a dependency on iconv-lite for ~22k characters.
 */
import { TextDecoder } from 'node:util';

let table: Map<number, number> | null = null;

function buildTable(): Map<number, number> {
  const map = new Map<number, number>();
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder('gbk');
  } catch {
    return map; // small-ICU runtime: no GBK, callers fall back to placeholders
  }
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    pair[0] = lead;
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[1] = trail;
      const ch = decoder.decode(pair);
      // Unmapped pairs decode to U+FFFD (plus the trail byte when it is ASCII): skip them.
      if (ch.length !== 1 || ch === '\ufffd') continue;
      const cp = ch.charCodeAt(0);
      if (!map.has(cp)) map.set(cp, (lead << 8) | trail);
    }
  }
  return map;
}

/** The two GBK bytes for a character, or null when GBK has no two-byte code for it. */
export function gbkBytes(ch: string): [number, number] | null {
  table ??= buildTable();
  const code = table.get(ch.codePointAt(0) ?? -1);
  return code === undefined ? null : [code >> 8, code & 0xff];
}
