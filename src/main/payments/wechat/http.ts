import http from 'node:http';
import https from 'node:https';
import { MAX_XML_BYTES } from './xml';

/**
 * The mutual-TLS material for /secapi endpoints (reverse, refund): WeChat only accepts them over a
 * connection presenting the merchant's API client certificate (apiclient_cert.pem + apiclient_key.pem,
 * or apiclient_cert.p12 whose password is the merchant id).
 */
export interface ClientCert {
  cert?: string;
  key?: string;
  /** PKCS#12 bytes. */
  pfx?: Buffer;
  passphrase?: string;
}

export type PostResult =
  { ok: true; status: number; body: string } | { ok: false; code: 'TIMEOUT' | 'NETWORK' | 'HTTP' | 'TOO_LARGE'; message: string };

/**
 * POSTs an XML body and reads the answer, bounded in size and time. Never rejects: every failure is
 * a result, because a failure after the request left means the money may have moved.
 */
export function postXml(url: string, body: string, opts: { timeoutMs: number; agent?: http.Agent | https.Agent }): Promise<PostResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: PostResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, code: 'NETWORK', message: 'bad URL' });
      return;
    }
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(
      target,
      {
        method: 'POST',
        agent: opts.agent,
        headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': Buffer.byteLength(body, 'utf8') },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_XML_BYTES) {
            req.destroy();
            finish({ ok: false, code: 'TOO_LARGE', message: 'answer too large' });
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status < 200 || status >= 300) finish({ ok: false, code: 'HTTP', message: `HTTP ${status}` });
          else finish({ ok: true, status, body: text });
        });
        res.on('error', (e) => finish({ ok: false, code: 'NETWORK', message: e.message }));
        res.on('aborted', () => finish({ ok: false, code: 'NETWORK', message: 'connection closed mid-answer' }));
      },
    );
    const timer = setTimeout(() => {
      finish({ ok: false, code: 'TIMEOUT', message: `no answer in ${opts.timeoutMs} ms` });
      req.destroy();
    }, opts.timeoutMs);
    req.on('error', (e) => finish({ ok: false, code: 'NETWORK', message: e.message }));
    req.on('close', () => finish({ ok: false, code: 'NETWORK', message: 'connection closed' }));
    req.end(body, 'utf8');
  });
}
