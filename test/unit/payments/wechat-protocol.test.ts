import { describe, expect, it } from 'vitest';
import { signingString, verifyWechatSign, wechatSign } from '../../../src/main/payments/wechat/sign';
import { MAX_XML_BYTES, buildXml, parseXml } from '../../../src/main/payments/wechat/xml';

describe('WeChat Pay v2 signature', () => {
  // The worked example of WeChat Pay's signature rules (签名算法), with its published results.
  const example = { appid: 'wxd930ea5d5a258f4f', mch_id: '10000100', device_info: '1000', body: 'test', nonce_str: 'ibuaiVcKdpRxkhJA' };
  const key = '192006250b4c09247ec02edce69f6a2d';

  it('matches the published HMAC-SHA256 example', () => {
    expect(signingString(example, key)).toBe(
      'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA&key=192006250b4c09247ec02edce69f6a2d',
    );
    expect(wechatSign(example, key)).toBe('6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
  });

  it('leaves out empty fields and sign, and verifies only the exact fields', () => {
    const f: Record<string, string> = { ...example, empty: '', sign_type: 'HMAC-SHA256' };
    f.sign = wechatSign(f, key);
    expect(verifyWechatSign(f, key)).toBe(true);
    expect(verifyWechatSign({ ...f, body: 'test2' }, key)).toBe(false);
    expect(verifyWechatSign({ ...f, extra: 'x' }, key)).toBe(false);
    expect(verifyWechatSign(f, `${key}0`)).toBe(false);
    expect(verifyWechatSign({ ...f, sign: f.sign!.toLowerCase() }, key)).toBe(false);
    const { sign: _drop, ...unsigned } = f;
    expect(verifyWechatSign(unsigned, key)).toBe(false);
  });

  it('refuses a body that names MD5 (no downgrade)', () => {
    const f: Record<string, string> = { ...example, sign_type: 'MD5' };
    f.sign = wechatSign(f, key);
    expect(verifyWechatSign(f, key)).toBe(false);
  });
});

describe('WeChat Pay XML', () => {
  it('reads CDATA and text children and round-trips', () => {
    const body = '<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee><msg>a &amp; b &lt;c&gt;</msg></xml>';
    expect(parseXml(body)).toEqual({ return_code: 'SUCCESS', total_fee: '1', msg: 'a & b <c>' });
    const f = { a: '中文 & <tags>', b: '' };
    expect(parseXml(buildXml(f))).toEqual(f);
    expect(parseXml(`<?xml version="1.0" encoding="UTF-8"?>\n${buildXml(f)}`)).toEqual(f);
  });

  it('refuses DOCTYPE, entity declarations, custom entities and comments', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>';
    expect(() => parseXml(xxe)).toThrow(/DOCTYPE/);
    expect(() => parseXml('<xml><a>&xxe;</a></xml>')).toThrow(/entity/);
    expect(() => parseXml('<xml><!-- hi --><a>1</a></xml>')).toThrow();
  });

  it('refuses nesting, attributes, duplicates, mismatched tags, other roots and oversized bodies', () => {
    expect(() => parseXml('<xml><a><b>1</b></a></xml>')).toThrow();
    expect(() => parseXml('<xml><a x="1">1</a></xml>')).toThrow();
    expect(() => parseXml('<xml><a>1</a><a>2</a></xml>')).toThrow(/duplicate/);
    expect(() => parseXml('<xml><a>1</b></xml>')).toThrow();
    expect(() => parseXml('<root><a>1</a></root>')).toThrow();
    expect(() => parseXml(`<xml><a>${'x'.repeat(MAX_XML_BYTES)}</a></xml>`)).toThrow(/too large/);
    expect(() => buildXml({ a: 'x]]>y' })).toThrow();
  });

  it('keeps a DOCTYPE-looking string inside CDATA as data', () => {
    expect(parseXml('<xml><a><![CDATA[<!DOCTYPE x>]]></a></xml>')).toEqual({ a: '<!DOCTYPE x>' });
  });
});
