/**
 * WeChat Pay v2 bodies are one flat `<xml>` element whose children hold text or CDATA. We read
 * exactly that shape and nothing else: no DOCTYPE, no entity declarations, no nesting, no
 * attributes, a bounded size. A general XML library would bring entity expansion (XXE, billion
 * laughs) that WeChat itself warned merchants about, for a format that never needs it.
 */

/** Larger than any answer or notification WeChat sends (a refund query lists at most a few dozen refunds). */
export const MAX_XML_BYTES = 64 * 1024;

export class XmlError extends Error {}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  return raw.replace(/&([a-z]+|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, ent: string) => {
    if (ent.startsWith('#x')) return String.fromCodePoint(parseInt(ent.slice(2), 16));
    if (ent.startsWith('#')) return String.fromCodePoint(parseInt(ent.slice(1), 10));
    const v = PREDEFINED[ent];
    if (v === undefined) throw new XmlError(`unknown entity ${whole}`);
    return v;
  });
}

/** Parses a flat WeChat `<xml>` body into its fields; throws XmlError on anything else. */
export function parseXml(body: string): Record<string, string> {
  if (Buffer.byteLength(body, 'utf8') > MAX_XML_BYTES) throw new XmlError('body too large');
  if (/<!/.test(body.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''))) throw new XmlError('DOCTYPE, entities and comments are refused');
  let s = body.trim();
  if (s.startsWith('<?xml')) {
    const end = s.indexOf('?>');
    if (end < 0) throw new XmlError('bad declaration');
    s = s.slice(end + 2).trim();
  }
  if (!s.startsWith('<xml>') || !s.endsWith('</xml>')) throw new XmlError('not a WeChat <xml> body');
  let inner = s.slice(5, -6);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const child = /^\s*<([A-Za-z_][A-Za-z0-9_]*)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/([A-Za-z_][A-Za-z0-9_]*)>/;
  for (;;) {
    if (/^\s*$/.test(inner)) break;
    const m = child.exec(inner);
    if (!m) throw new XmlError('unexpected content');
    const [whole, name, cdata, text, close] = m;
    if (!name || name !== close || !NAME.test(name)) throw new XmlError('mismatched element');
    if (name in out) throw new XmlError(`duplicate element ${name}`);
    out[name] = cdata !== undefined ? cdata : decodeText(text ?? '');
    inner = inner.slice(whole.length);
  }
  return { ...out };
}

/** Builds a flat `<xml>` body, every value in CDATA (callers strip `]]>` from free text before signing). */
export function buildXml(fields: Record<string, string>): string {
  let out = '<xml>';
  for (const [k, v] of Object.entries(fields)) {
    if (!NAME.test(k)) throw new XmlError(`bad element name ${k}`);
    if (v.includes(']]>')) throw new XmlError(`${k} contains ]]>`);
    out += `<${k}><![CDATA[${v}]]></${k}>`;
  }
  return `${out}</xml>`;
}
