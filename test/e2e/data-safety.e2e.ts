// Backups, restore, the journal check and export in Settings; the recovery screen after damage; the
// audit log as a manager sees it.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, test, type Page } from '@playwright/test';
import { writeCleanCloseMarker } from '../../src/main/backup/integrity';
import { startHost, tempDataDir, type RunningHost } from './host';
import { api, demoStore, openView, scan, signIn } from './store';

let host: RunningHost | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

async function sellCash(page: Page, codes: string[]) {
  await scan(page, codes);
  await expect(page.getByTestId('cart-line')).toHaveCount(codes.length);
  await page.getByTestId('pay-button').click();
  await page.getByTestId('cash-tendered').fill('20');
  await page.getByTestId('complete-sale').click();
  const number = (await page
    .getByTestId('receipt')
    .getByText(/T1-\d{6}/)
    .first()
    .textContent())!.match(/T1-\d{6}/)![0];
  await page.getByTestId('new-sale').click();
  return number;
}

async function recentNumbers(page: Page): Promise<string[]> {
  await page.getByTestId('recent-sales-button').click();
  await expect(page.getByTestId('recent-sale').first()).toBeVisible();
  const texts = await page.getByTestId('recent-sale').allTextContents();
  await page.keyboard.press('Escape');
  return texts.map((t) => t.match(/T1-\d{6}/)?.[0] ?? '?');
}

test('an admin backs up, verifies the journal, exports, and restores a backup; everyone signs in again', async ({ page }) => {
  const dataDir = tempDataDir();
  host = await startHost(dataDir);
  await demoStore(host);
  await page.goto(host.url);
  await signIn(page, 'Alice', '2468');
  const first = await sellCash(page, ['6954321000017']);

  await openView(page, 'settings-link');
  // A dollar store is told, before any payment fails, that Alipay and WeChat Pay take yuan only.
  await expect(page.getByTestId('pay-currency-alipay')).toContainText('USD');
  await expect(page.getByTestId('pay-currency-wechat')).toBeVisible();
  await expect(page.getByTestId('pay-currency-stripe')).toHaveCount(0);
  await expect(page.getByTestId('backups-empty')).toBeVisible();
  await page.getByTestId('backup-now').click();
  await expect(page.getByTestId('backup-row')).toHaveCount(1);
  await expect(page.getByTestId('backup-row').first()).toContainText('By hand');
  await expect(page.getByTestId('backup-folder')).toContainText(join(dataDir, 'backups'));

  await page.getByTestId('journal-verify').click();
  await expect(page.getByTestId('journal-result')).toContainText('Intact: 1 entry checked');

  await page.getByTestId('export-run').click();
  await expect(page.getByTestId('export-result')).toContainText('orders.csv');
  await expect(page.getByTestId('export-result')).toContainText('1 row');

  // A second sale after the backup; then the backup is restored.
  await page.getByTestId('checkout-link').click();
  const second = await sellCash(page, ['6954321000048']);
  expect(await recentNumbers(page)).toEqual([second, first]);
  await openView(page, 'settings-link');
  await page.getByTestId('backup-restore').first().click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('kept as a backup first');
  await page.getByTestId('confirm-go').click();

  // The renderer starts afresh on the restored store: sign in again.
  await expect(page.getByTestId('info-banner')).toContainText('Backup restored');
  await signIn(page, 'Alice', '2468');
  expect(await recentNumbers(page)).toEqual([first]);
  await openView(page, 'settings-link');
  // The replaced store was kept as a backup too.
  await expect(page.getByTestId('backup-row')).toHaveCount(2);
  await expect(page.getByTestId('backup-row').first()).toContainText('Before a restore');
});

test('a damaged database at start-up: the recovery screen offers the latest backup, and restoring it brings the store back', async ({
  page,
}) => {
  const dataDir = tempDataDir();
  host = await startHost(dataDir);
  await demoStore(host, { language: 'zh-CN', admin: '王芳', pin: '1357' });
  await page.goto(host.url);
  await signIn(page, '王芳', '1357');
  const sale = await sellCash(page, ['6954321000017', '6954321000048']);
  await host.stop(); // a clean stop makes the shutdown backup
  host = null;

  // The disk damages the database file.
  const fd = openSync(join(dataDir, 'countertop.db'), 'r+');
  writeSync(fd, Buffer.alloc(4096 * 8, 0xa5), 0, 4096 * 8, 4096 * 4);
  closeSync(fd);

  host = await startHost(dataDir);
  await page.goto(host.url);
  await expect(page.getByTestId('recovery-screen')).toContainText('数据库需要处理');
  await expect(page.getByTestId('recovery-damaged')).toContainText('countertop-damaged-');
  await expect(page.getByTestId('backup-row')).toHaveCount(1);
  await expect(page.getByTestId('backup-row').first()).toContainText('关闭时');
  await page.getByTestId('backup-restore').first().click();
  // Nobody is signed in to a damaged store: an admin of the backup confirms with their PIN.
  await page.getByTestId('recovery-pin').fill('9999');
  await page.getByTestId('confirm-go').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('这不是此备份中管理员的 PIN');
  await page.getByTestId('recovery-pin').fill('1357');
  await page.getByTestId('confirm-go').click();
  await expect(page.getByTestId('info-banner')).toContainText('备份已恢复');
  await signIn(page, '王芳', '1357');
  expect(await recentNumbers(page)).toEqual([sale]);
});

test('after a clean close the app opens at once; the background check then finds the damage, the screen turns to recovery, and the audit log keeps the failed check', async ({
  page,
}) => {
  const dataDir = tempDataDir();
  host = await startHost(dataDir, ['--check-after', '0']);
  await demoStore(host);
  await page.goto(host.url);
  await signIn(page, 'Alice', '2468');
  await openView(page, 'settings-link');
  await expect(page.getByTestId('integrity-status')).toContainText('Last integrity check: ok at');
  await page.getByTestId('checkout-link').click();
  const sale = await sellCash(page, ['6954321000017']);
  await host.stop(); // a clean stop: the shutdown backup and the clean-close marker
  host = null;

  // Bit rot in the sales lines: the file keeps its size and time of change, so the marker still holds.
  const file = join(dataDir, 'countertop.db');
  const db = new Database(file, { readonly: true });
  const { rootpage } = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'order_lines'").get() as { rootpage: number };
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  closeSync(fd);
  writeCleanCloseMarker(dataDir, file, Date.now());

  host = await startHost(dataDir, ['--check-after', '5']);
  await page.goto(host.url);
  // No check at start: the sign-in screen comes up, then the background check sends it to recovery.
  await expect(page.getByTestId('staff-Alice')).toBeVisible();
  await expect(page.getByTestId('recovery-screen')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('recovery-damaged')).toContainText('countertop-damaged-');
  await page.getByTestId('backup-restore').first().click();
  await page.getByTestId('recovery-pin').fill('2468');
  await page.getByTestId('confirm-go').click();
  await expect(page.getByTestId('info-banner')).toContainText('Backup restored');
  await signIn(page, 'Alice', '2468');
  expect(await recentNumbers(page)).toEqual([sale]);
  // The restored store's audit log has the failed check; Settings shows it, or the restored
  // store's own check when that has run since (it starts a few seconds after the restore).
  const restored = new Database(file, { readonly: true });
  const rows = restored.prepare("SELECT success FROM audit WHERE action = 'integrity.check' ORDER BY at").all();
  restored.close();
  expect(rows).toContainEqual({ success: 0 });
  await openView(page, 'settings-link');
  await expect(page.getByTestId('integrity-status')).toContainText(/Last integrity check: (failed|ok) at/);
});

test('a manager browses and filters the audit log; a clerk is refused and that refusal is in the log', async ({ page }) => {
  const dataDir = tempDataDir();
  host = await startHost(dataDir);
  await demoStore(host, { language: 'zh-CN', admin: '王芳', pin: '1357' });
  const url = new URL(host.url);
  const headers = { authorization: `Bearer ${url.searchParams.get('token')}` };
  const session = async () =>
    ((await (await fetch(`${url.origin}/api/session`, { method: 'POST', headers })).json()) as { sessionId: string }).sessionId;
  const admin = await session();
  const staff = await api<{ id: string; name: string }[]>(host, 'staff.list', {}, admin);
  await api(host, 'staff.signIn', { staffId: staff[0]!.id, pin: '1357' }, admin);
  const mgr = await api<{ id: string }>(host, 'staff.create', { name: '李经理', role: 'manager', pin: '2222' }, admin);
  const clerk = await api<{ id: string }>(host, 'staff.create', { name: '张收银', role: 'clerk', pin: '3333' }, admin);
  const c = await session();
  await api(host, 'staff.signIn', { staffId: clerk.id, pin: '3333' }, c);
  await expect(api(host, 'audit.list', {}, c)).rejects.toThrow(/FORBIDDEN/);
  await expect(api(host, 'backup.create', {}, c)).rejects.toThrow(/FORBIDDEN/);
  void mgr;

  await page.goto(host.url);
  await signIn(page, '李经理', '2222');
  await openView(page, 'nav-audit');
  await expect(page.getByTestId('audit-screen')).toContainText('审计日志');
  await expect(page.getByTestId('audit-row').first()).toBeVisible();
  const all = await page.getByTestId('audit-row').count();
  expect(all).toBeGreaterThanOrEqual(6);

  await page.getByTestId('audit-outcome').selectOption('failure');
  await expect(page.getByTestId('audit-row')).toHaveCount(2);
  for (const row of await page.getByTestId('audit-row').all()) {
    await expect(row).toContainText('张收银');
    await expect(row).toContainText('被拒绝：该角色无权操作');
    await expect(row).toContainText('被拒绝');
  }

  await page.getByTestId('audit-reset').click();
  await page.getByTestId('audit-who').selectOption({ label: '王芳' });
  // Wait for the filtered page itself: rows of the unfiltered one may still be on screen.
  await expect(page.getByTestId('audit-row').filter({ hasNotText: '王芳' })).toHaveCount(0);
  await expect(page.getByTestId('audit-row').first()).toContainText('王芳');
  await page.getByTestId('audit-what').selectOption({ label: '员工（全部）' });
  await expect(page.getByTestId('audit-row')).toHaveCount(2);
  await expect(page.getByTestId('audit-row').first()).toContainText('张收银');
  await expect(page.getByTestId('audit-row').last()).toContainText('李经理');
});
