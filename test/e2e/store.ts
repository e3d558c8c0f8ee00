import { expect, type Page } from '@playwright/test';
import type { RunningHost } from './host';

/** Calls the host's API directly (the bearer form of its secret), e.g. to set up a store quickly. */
export async function api<T = unknown>(host: RunningHost, channel: string, input: unknown, session?: string): Promise<T> {
  const url = new URL(host.url);
  const token = url.searchParams.get('token')!;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const sid =
    session ?? ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const res = (await (
    await fetch(`${url.origin}/api/invoke`, {
      method: 'POST',
      headers: { ...headers, 'x-session': sid },
      body: JSON.stringify({ channel, input }),
    })
  ).json()) as { ok: boolean; value?: T; error?: unknown };
  if (!res.ok) throw new Error(`${channel}: ${JSON.stringify(res.error)}`);
  return res.value as T;
}

/** A demo store (USD, tax-exclusive 8%) with an admin, set up through the API. */
export async function demoStore(
  host: RunningHost,
  opts: { language?: 'en' | 'zh-CN'; admin?: string; pin?: string; shift?: boolean } = {},
) {
  const language = opts.language ?? 'en';
  await api(host, 'setup.run', {
    storeName: language === 'en' ? 'Corner Market' : '街角小店',
    currency: 'USD',
    priceMode: 'exclusive',
    timezone: 'UTC',
    language,
    taxRates: [{ name: 'Sales tax', rateBp: 800, isDefault: true }],
    admin: { name: opts.admin ?? 'Alice', pin: opts.pin ?? '2468' },
    demoData: true,
  });
  // Selling needs an open cash-drawer shift: open one with a $100 float.
  if (opts.shift === false) return;
  const url = new URL(host.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, sid);
  await api(host, 'staff.signIn', { staffId: staff.find((x) => x.name === (opts.admin ?? 'Alice'))!.id, pin: opts.pin ?? '2468' }, sid);
  await api(host, 'shifts.open', { counts: [{ value: 2000, pieces: 5 }] }, sid);
  await api(host, 'staff.signOut', {}, sid);
}

export async function signIn(page: Page, name: string, pin: string) {
  await page.getByTestId(`staff-${name}`).click();
  await page.getByTestId('pin-input').fill(pin);
  await page.getByTestId('pin-submit').click();
  await expect(page.getByTestId('search-input')).toBeVisible();
}

/**
 * Enters codes the way a clerk types one by hand: in the search box, then Enter (a scan). The
 * keyboard-wedge timing path is covered by first-sale.e2e.ts; these tests are about what follows,
 * and must not depend on keystroke timing on a busy machine.
 */
export async function scan(page: Page, codes: string[]) {
  const search = page.getByTestId('search-input');
  for (const code of codes) {
    await search.fill(code);
    await search.press('Enter');
    await expect(search).toHaveValue('');
  }
}

export async function openView(page: Page, testId: string) {
  await page.getByTestId('nav-menu').click();
  await page.getByTestId(testId).click();
}
