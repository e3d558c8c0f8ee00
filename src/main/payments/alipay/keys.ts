import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { chainsToRoot, splitPemCertificates } from './x509';

/** A configuration problem, named by field; the message never contains key material. */
export class AlipayConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'AlipayConfigError';
  }
}

function bareBase64(value: string): Buffer | null {
  const compact = value.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]+={0,2}$/.test(compact) ? Buffer.from(compact, 'base64') : null;
}

/**
 * The app's private key as Alipay's key tool hands it out (bare base64, PKCS8 by default, or PKCS1
 * after its format conversion) or as PEM of either kind. Returned as PKCS8 PEM so the SDK never has
 * to guess the format.
 */
export function loadPrivateKey(value: string, field = 'privateKey'): { pem: string; key: KeyObject } {
  let key: KeyObject | null = null;
  const v = value.trim();
  try {
    if (v.includes('-----BEGIN')) key = createPrivateKey(v);
    else {
      const der = bareBase64(v);
      if (der) {
        try {
          key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
        } catch {
          key = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
        }
      }
    }
  } catch {
    key = null;
  }
  if (!key || key.asymmetricKeyType !== 'rsa') throw new AlipayConfigError(field, 'the app private key is not an RSA private key');
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new AlipayConfigError(field, 'RSA2 needs a key of at least 2048 bits');
  return { pem: key.export({ type: 'pkcs8', format: 'pem' }) as string, key };
}

/** Alipay's public key as the open platform shows it (bare base64 SPKI) or as PEM. */
export function loadPublicKey(value: string, field = 'alipayPublicKey'): { pem: string; key: KeyObject } {
  let key: KeyObject | null = null;
  const v = value.trim();
  try {
    if (v.includes('-----BEGIN')) key = createPublicKey(v);
    else {
      const der = bareBase64(v);
      if (der) key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    }
  } catch {
    key = null;
  }
  if (!key || key.asymmetricKeyType !== 'rsa') throw new AlipayConfigError(field, 'the Alipay public key is not an RSA public key');
  return { pem: key.export({ type: 'spki', format: 'pem' }) as string, key };
}

function firstCertificate(pem: string, field: string): X509Certificate {
  const first = splitPemCertificates(pem)[0];
  try {
    if (first) return new X509Certificate(first);
  } catch {
    // fall through
  }
  throw new AlipayConfigError(field, 'not a PEM certificate');
}

/**
 * Checks the three certificates of the certificate mode before they are used: the app certificate
 * holds the public half of our private key, and Alipay's public certificate chains to Alipay's root
 * (a certificate that does not is not Alipay's, whatever it says). Returns Alipay's public key.
 */
export function loadCertificates(
  material: { appCert: string; alipayPublicCert: string; alipayRootCert: string },
  privateKey: KeyObject,
  now: number,
): { alipayPublicKey: string } {
  const app = firstCertificate(material.appCert, 'appCert');
  if (!app.checkPrivateKey(privateKey)) throw new AlipayConfigError('appCert', 'the app certificate does not match the app private key');
  const alipay = firstCertificate(material.alipayPublicCert, 'alipayPublicCert');
  if (splitPemCertificates(material.alipayRootCert).length === 0) throw new AlipayConfigError('alipayRootCert', 'not a PEM certificate');
  if (!chainsToRoot(material.alipayPublicCert, material.alipayRootCert, now))
    throw new AlipayConfigError(
      'alipayPublicCert',
      "Alipay's public certificate does not chain to the Alipay root certificate, or has expired",
    );
  return { alipayPublicKey: alipay.publicKey.export({ type: 'spki', format: 'pem' }) as string };
}
