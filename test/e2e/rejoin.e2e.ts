// A till whose cloud key is gone (its secrets file lost: a backup on another computer, a new disk)
// says so on the Sync screen and joins again there with a code that replaces it, in Chinese.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_SIGNUP_SECRET, freePort, startCloud, startHost, tempDataDir, type RunningHost } from './host';
import { api, demoStore, openView, signIn } from './store';

const running: RunningHost[] = [];
test.afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
});

/** An API session with Alice (the admin) signed in. */
async function adminSession(host: RunningHost): Promise<string> {
  const url = new URL(host.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')!}` };
  const sid = ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, sid);
  await api(host, 'staff.signIn', { staffId: staff.find((x) => x.name === 'Alice')!.id, pin: '2468' }, sid);
  return sid;
}

test('a till without its cloud key joins again from the Sync screen', async ({ browser }) => {
  test.setTimeout(120_000);
  const cloud = await startCloud(tempDataDir(), await freePort());
  const dir1 = tempDataDir();
  const [host1, host2] = await Promise.all([startHost(dir1), startHost(tempDataDir())]);
  running.push(cloud, host1, host2);
  await demoStore(host1, { language: 'zh-CN' });

  // Till 1 connects; till 2 joins with a code.
  const s1 = await adminSession(host1);
  await api(host1, 'sync.createOrg', { serverUrl: cloud.url, orgName: 'Corner', signupSecret: E2E_SIGNUP_SECRET }, s1);
  const linked = await api<{ deviceId: string; storeId: string }>(host1, 'sync.status', {}, s1);
  await api(host1, 'sync.cloudSignIn', { pin: '2468' }, s1);
  const join2 = await api<{ code: string }>(host1, 'sync.createCode', { storeId: linked.storeId }, s1);
  await api(host2, 'sync.join', { serverUrl: cloud.url, code: join2.code });
  // Joined once its first download lands (then the status is no longer public: it is set up).
  await expect
    .poll(
      async () =>
        api<{ joining: boolean }>(host2, 'sync.joinStatus', {}).then(
          (st) => st.joining,
          () => false,
        ),
      { timeout: 30_000 },
    )
    .toBe(false);

  // Till 1's secrets file is lost.
  await host1.stop();
  rmSync(join(dir1, 'secrets.key'));
  const again = await startHost(dir1);
  running.splice(running.indexOf(host1), 1, again);

  // An admin on till 2 makes a code that replaces till 1.
  const s2 = await adminSession(host2);
  await api(host2, 'sync.cloudSignIn', { pin: '2468' }, s2);
  const replace = await api<{ code: string }>(host2, 'sync.createCode', { storeId: linked.storeId, replacesDeviceId: linked.deviceId }, s2);

  const page = await browser.newPage();
  await page.goto(again.url);
  await signIn(page, 'Alice', '2468');
  await openView(page, 'nav-sync');
  await page.getByTestId('sync-now').click();
  const form = page.getByTestId('sync-rejoin');
  await expect(form).toContainText('本电脑上没有本终端的云端密钥');
  // A wrong code is refused, in Chinese; the right one reconnects.
  await page.getByTestId('sync-rejoin-code').fill('AAAA-BBBB-CCCC');
  await page.getByTestId('sync-rejoin-submit').click();
  await expect(page.getByTestId('sync-rejoin-error')).toHaveText('代码无效、已使用或已过期。请向管理员索取新代码。');
  await page.getByTestId('sync-rejoin-code').fill(replace.code);
  await page.getByTestId('sync-rejoin-submit').click();
  await expect(page.getByTestId('sync-indicator')).toHaveAttribute('data-state', 'online', { timeout: 30_000 });
  await expect(page.getByTestId('sync-rejoin')).toHaveCount(0);
});
