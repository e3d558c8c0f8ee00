import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The process boundaries are ESLint rules (eslint.config.js): each case lints one import as if it
 * stood in the named file, so a rule that stops catching its import fails here, not in review.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function refused(file: string, from: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, { filePath: file });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

describe('process boundaries', () => {
  it.each([
    ['src/cloud/probe.ts', '../main/deps'],
    ['src/cloud/sync/probe.ts', '../../main/sync/engine'],
    ['src/cloud/payments/probe.ts', '../../main/payments/trades'],
    ['src/cloud/probe.ts', '../renderer/api'],
    ['src/cloud/probe.ts', 'electron'],
    ['src/main/probe.ts', '../cloud/server'],
    ['src/main/sync/probe.ts', '../../cloud/db/open'],
    ['src/renderer/probe.ts', '../cloud/server'],
    ['src/renderer/probe.ts', '../main/deps'],
    ['src/shared/probe.ts', '../cloud/server'],
    ['src/shared/probe.ts', '../main/deps'],
    // A folder's own index, and files deeper than any today.
    ['src/cloud/probe.ts', '../main'],
    ['src/cloud/shop/checkout/probe.ts', '../../../main/payments/alipay/page-pay'],
    ['src/cloud/probe.ts', '../preload'],
    ['src/main/probe.ts', '../cloud'],
    ['src/main/payments/wechat/deep/probe.ts', '../../../../cloud/server'],
    ['src/main/sync/probe.ts', '../../../src/cloud/server'],
    ['src/renderer/probe.ts', '../cloud'],
    ['src/renderer/features/deep/probe.ts', '../../../main'],
    ['src/shared/sync/probe.ts', '../../cloud'],
    ['src/preload/probe.ts', '../cloud/server'],
  ])('%s may not import %s', async (file, from) => {
    expect(await refused(file, from)).toBe(true);
  });

  it.each([
    ['src/cloud/probe.ts', '../shared/hlc'],
    ['src/cloud/probe.ts', '../main/staff/pin'],
    ['src/cloud/payments/probe.ts', '../../main/payments/gateway'],
    ['src/cloud/payments/probe.ts', '../../main/payments/stripe'],
    ['src/main/sync/probe.ts', './cloud'],
    ['src/main/payments/probe.ts', './cloud-notices'],
    ['src/main/payments/probe.ts', '../sync/cloud'],
    ['src/cloud/shop/checkout/probe.ts', '../../../main/payments/alipay'],
    ['src/renderer/features/deep/probe.ts', '../../../shared/money'],
    ['src/preload/probe.ts', '../main/electron/ipc-protocol'],
    ['src/preload/probe.ts', 'electron'],
  ])('%s may import %s', async (file, from) => {
    expect(await refused(file, from)).toBe(false);
  });
});

/** The house rule that per-store state lives on what opens the store, checked the same way. */
async function keyedByHandle(file: string, text: string): Promise<boolean> {
  const [result] = await eslint.lintText(text, { filePath: file });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-syntax' && /module-level state/.test(m.message));
}

describe('no module-level state keyed by a connection, database or deps', () => {
  it.each([
    [
      'src/main/probe.ts',
      "import type { Sqlite } from './db/open';\nconst c = new WeakMap<Sqlite, number>();\nexport const f = (s: Sqlite) => c.get(s);\n",
    ],
    ['src/main/sync/probe.ts', "import type { Sqlite } from '../db/open';\nexport const c = new WeakSet<Sqlite>();\n"],
    [
      'src/main/probe.ts',
      "import type { Deps } from './deps';\nconst c: Map<Deps, number> = new Map();\nexport const f = (d: Deps) => c.get(d);\n",
    ],
    [
      'src/cloud/probe.ts',
      "import type { CloudDeps } from './deps';\nconst c = new Map<CloudDeps, number>();\nexport const f = (d: CloudDeps) => c.get(d);\n",
    ],
  ])('%s may not keep %s', async (file, text) => {
    expect(await keyedByHandle(file, text)).toBe(true);
  });

  it.each([
    // Inside a function (made per call or per store), or keyed by something else: not the rule's business.
    [
      'src/main/probe.ts',
      "import type { Sqlite } from './db/open';\nexport function f(s: Sqlite) {\n  const c = new Map<Sqlite, number>();\n  return c.get(s);\n}\n",
    ],
    ['src/main/probe.ts', 'const c = new Map<string, number>();\nexport const f = (s: string) => c.get(s);\n'],
  ])('%s may keep %s', async (file, text) => {
    expect(await keyedByHandle(file, text)).toBe(false);
  });
});
