import { createHash, createSign, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * Certificates for Alipay's public-key-certificate mode: reading a chain the way Alipay builds its
 * serial numbers (app_cert_sn, alipay_root_cert_sn), checking that the Alipay public certificate
 * chains to the root, and (for the training fake only) issuing small RSA certificates with nothing
 * but node:crypto, which can sign and parse X.509 but cannot build it.
 */

/** Splits a PEM bundle into its certificates; the root file Alipay hands out holds several. */
export function splitPemCertificates(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * Alipay's certificate serial number: MD5 (hex) of the issuer's distinguished name written most
 * specific first ("CN=…,OU=…,O=…,C=…") followed by the serial number in decimal.
 */
export function alipayCertSn(cert: X509Certificate): string {
  const issuer = cert.issuer.split('\n').reverse().join(',');
  const serial = BigInt(`0x${cert.serialNumber}`).toString(10);
  return createHash('md5')
    .update(issuer + serial, 'utf8')
    .digest('hex');
}

/** The root serial: the serials of the bundle's RSA roots joined by '_' (the SM2 roots do not count). */
export function alipayRootCertSn(bundle: string): string {
  const sns: string[] = [];
  for (const pem of splitPemCertificates(bundle)) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      continue;
    }
    if (cert.publicKey.asymmetricKeyType === 'rsa') sns.push(alipayCertSn(cert));
  }
  return sns.join('_');
}

/**
 * True when the first certificate of `chainPem` is vouched for by one of the roots in `rootBundle`,
 * through the intermediates that follow it in `chainPem`, and every certificate on the way is valid
 * at `now`. A public certificate that does not chain to Alipay's root is not Alipay's.
 */
export function chainsToRoot(chainPem: string, rootBundle: string, now: number): boolean {
  const parse = (pem: string): X509Certificate | null => {
    try {
      return new X509Certificate(pem);
    } catch {
      return null;
    }
  };
  const chain = splitPemCertificates(chainPem)
    .map(parse)
    .filter((c): c is X509Certificate => c !== null);
  const roots = splitPemCertificates(rootBundle)
    .map(parse)
    .filter((c): c is X509Certificate => c !== null);
  const valid = (c: X509Certificate) => Date.parse(c.validFrom) <= now && now <= Date.parse(c.validTo);
  const signedBy = (c: X509Certificate, by: X509Certificate) => {
    try {
      return c.issuer === by.subject && c.verify(by.publicKey);
    } catch {
      return false;
    }
  };
  let current = chain[0];
  const used = new Set<X509Certificate>();
  while (current && valid(current)) {
    const root = roots.find((r) => signedBy(current!, r));
    if (root) return valid(root);
    used.add(current);
    current = chain.find((c) => !used.has(c) && signedBy(current!, c));
  }
  return false;
}

// ---- A minimal DER writer, enough for a v3 certificate. ----

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}
const seq = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]) => tlv(0x31, Buffer.concat(items));
function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [40 * parts[0]! + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
function utcTime(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // 2026-12-06T08:17:14.000Z
  const s = iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10) + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
  return tlv(0x17, Buffer.from(s, 'ascii'));
}

export interface DistinguishedName {
  C?: string;
  O?: string;
  OU?: string;
  CN: string;
}
const NAME_OIDS: Record<keyof DistinguishedName, string> = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' };
function name(dn: DistinguishedName): Buffer {
  const rdns: Buffer[] = [];
  for (const key of ['C', 'O', 'OU', 'CN'] as const) {
    const value = dn[key];
    if (value === undefined) continue;
    // countryName is a PrintableString; the rest UTF8String.
    const str = key === 'C' ? tlv(0x13, Buffer.from(value, 'ascii')) : tlv(0x0c, Buffer.from(value, 'utf8'));
    rdns.push(set(seq(oid(NAME_OIDS[key]), str)));
  }
  return seq(...rdns);
}

/** Issues an RSA certificate signed SHA256withRSA by `issuerKey` (self-signed when subject is the issuer). */
export function issueCertificate(opts: {
  subject: DistinguishedName;
  subjectKey: KeyObject;
  issuer: DistinguishedName;
  issuerKey: KeyObject;
  ca: boolean;
  notBefore: number;
  notAfter: number;
}): string {
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), Buffer.from([0x05, 0x00]));
  const serialBytes = randomBytes(12);
  serialBytes[0] = (serialBytes[0]! & 0x7f) | 0x10; // positive, no leading zero
  const basicConstraints = seq(
    oid('2.5.29.19'),
    tlv(0x01, Buffer.from([0xff])), // critical
    tlv(0x04, opts.ca ? seq(tlv(0x01, Buffer.from([0xff]))) : seq()),
  );
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([0x02]))),
    tlv(0x02, serialBytes),
    sha256WithRsa,
    name(opts.issuer),
    seq(utcTime(opts.notBefore), utcTime(opts.notAfter)),
    name(opts.subject),
    opts.subjectKey.export({ type: 'spki', format: 'der' }),
    tlv(0xa3, seq(basicConstraints)),
  );
  const signature = createSign('RSA-SHA256').update(tbs).sign(opts.issuerKey);
  const der = seq(tbs, sha256WithRsa, tlv(0x03, Buffer.concat([Buffer.from([0x00]), signature])));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64.trimEnd()}\n-----END CERTIFICATE-----\n`;
}
