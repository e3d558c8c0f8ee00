import { afterEach, describe, expect, it, vi } from 'vitest';
import { smtpMailer } from '../../../src/cloud/mail/mailer';
import { accountMail } from '../../../src/cloud/shop/buyers/mail';

afterEach(() => vi.restoreAllMocks());

describe('the shop’s mail settings', () => {
  const mailer = { send: () => Promise.resolve() };

  it('is off, said once, without a mail server or a public address', () => {
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    expect(accountMail({})).toBeNull();
    expect(accountMail({ mail: mailer })).toBeNull();
    expect(accountMail({ publicUrl: 'https://shop.example.com' })).toBeNull();
    expect(info).toHaveBeenCalledTimes(3);
    expect(String(info.mock.calls[0]![0])).toContain('CLOUD_SMTP_URL');
  });

  it('builds links on the public address, without a trailing slash', () => {
    expect(accountMail({ mail: mailer, publicUrl: 'https://shop.example.com/' })?.publicUrl).toBe('https://shop.example.com');
    expect(accountMail({ mail: mailer, publicUrl: 'https://example.com/store//' })?.publicUrl).toBe('https://example.com/store');
    expect(() => accountMail({ mail: mailer, publicUrl: 'javascript:alert(1)' })).toThrow();
  });

  it('takes only smtp:// and smtps:// servers', () => {
    expect(() => smtpMailer({ url: 'http://mail.example.com', from: 'a@example.com' })).toThrow(/smtp/);
    expect(smtpMailer({ url: 'smtps://u:p%40ss@mail.example.com', from: 'a@example.com' })).toHaveProperty('send');
  });
});
