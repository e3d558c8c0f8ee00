/**
 * A store in a running test cloud for the payment-notice tests: an organisation with an admin
 * (PIN 1234) signed in to the cloud, and the till's access to it (link and device token).
 */
import { expect } from 'vitest';
import type { CloudAccess } from '../../src/main/payments/cloud-notices';
import { httpTransport } from '../../src/main/sync/transport';
import { uuidv7 } from '../../src/shared/ids';
import { formatHlc } from '../../src/shared/hlc';
import { hashPin } from '../../src/main/staff/pin';
import type { Enrolment } from '../../src/shared/sync/protocol';
import { TEST_PIN_PARAMS } from './app';
import { TEST_SIGNUP_SECRET, type TestCloud } from './cloud';

export interface Api {
  status: number;
  text: string;
  body: unknown;
}

export async function cloudApi(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  staffToken?: string,
): Promise<Api> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  if (staffToken) headers['x-staff-token'] = staffToken;
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: res.status, text, body: parsed };
}

export interface CloudStore {
  e: Enrolment;
  staffToken: string;
  cx: CloudAccess;
}

export async function newCloudStore(cloud: TestCloud, base: string, name: string): Promise<CloudStore> {
  const now = cloud.deps.clock();
  const admin = uuidv7(now);
  const res = await cloudApi(base, 'POST', '/v1/orgs', {
    orgName: name,
    storeName: `${name} shop`,
    terminalName: 'Till 1',
    terminalCode: 'T1',
    signupSecret: TEST_SIGNUP_SECRET,
    staff: [
      {
        i: admin,
        d: { name: 'Ann', role: 'admin', pin_hash: await hashPin('1234', TEST_PIN_PARAMS), active: true, created_at: now },
        c: formatHlc(now, 0, 'T1'),
      },
    ],
  });
  expect(res.status).toBe(200);
  const e = res.body as Enrolment;
  const session = await cloudApi(base, 'POST', '/v1/staff-sessions', { staffId: admin, pin: '1234' }, e.token);
  expect(session.status).toBe(200);
  const cx: CloudAccess = {
    transport: httpTransport({ timeoutMs: 5000 }),
    token: e.token,
    link: {
      serverUrl: base,
      orgId: e.org.id,
      orgName: e.org.name,
      storeId: e.store.id,
      storeName: e.store.name,
      deviceId: e.device.id,
      terminalCode: e.device.terminalCode,
      enrolledAt: now,
    },
  };
  return { e, staffToken: (session.body as { token: string }).token, cx };
}
