/**
 * How the terminal reaches the cloud. The engine only sees `SyncTransport`, so tests and the
 * simulator put a lossy, reordering network (or the cloud app in-process) in its place.
 */
import type {
  CloudRejection,
  Enrolment,
  EnrolmentCode,
  PullResponse,
  PushRequest,
  PushResponse,
  StaffChange,
  StaffSession,
  StockRow,
  StoreOverview,
  StoreWithDevices,
} from '../../shared/sync/protocol';

export interface SyncRequest {
  method: 'GET' | 'POST' | 'PUT';
  /** Path under the API root, e.g. `/v1/push`. */
  path: string;
  body?: unknown;
  token?: string | null;
  staffToken?: string | null;
}

export interface SyncResponse {
  status: number;
  body: unknown;
}

export interface SyncTransport {
  request(baseUrl: string, req: SyncRequest): Promise<SyncResponse>;
}

/** The cloud could not be reached, or did not answer in time: nothing is known about the request. */
export class NetworkError extends Error {
  readonly kind = 'network';
}

/** The cloud answered with an error. */
export class CloudCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function httpTransport(opts: { timeoutMs?: number } = {}): SyncTransport {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  return {
    async request(baseUrl, req) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (req.body !== undefined) headers['content-type'] = 'application/json';
      if (req.token) headers.authorization = `Bearer ${req.token}`;
      if (req.staffToken) headers['x-staff-token'] = req.staffToken;
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${baseUrl.replace(/\/+$/, '')}${req.path}`, {
          method: req.method,
          headers,
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
        text = await res.text();
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        throw new NetworkError(`The cloud at ${baseUrl} cannot be reached${cause ? ` (${cause})` : ''}`);
      }
      try {
        return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
      } catch {
        // Something other than the cloud answered (a web page, a proxy): an error even with a 2xx status.
        throw new CloudCallError(res.status, 'BAD_ANSWER', `HTTP ${res.status} without JSON from ${baseUrl}`);
      }
    },
  };
}

/** The cloud API, typed, over a transport. Non-2xx answers throw CloudCallError. */
export class CloudClient {
  constructor(
    readonly transport: SyncTransport,
    readonly baseUrl: string,
    readonly token: string | null = null,
  ) {}

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, staffToken?: string | null): Promise<T> {
    const res = await this.transport.request(this.baseUrl, { method, path, body, token: this.token, staffToken });
    if (res.status >= 200 && res.status < 300) return res.body as T;
    const b = (res.body ?? {}) as { error?: { code?: string; message?: string } } & Record<string, unknown>;
    const { error, ...extra } = b;
    throw new CloudCallError(
      res.status,
      error?.code ?? `HTTP_${res.status}`,
      error?.message ?? `The cloud answered HTTP ${res.status}`,
      extra,
    );
  }

  createOrg(input: {
    orgName: string;
    storeName: string;
    terminalName: string;
    terminalCode: string;
    signupSecret?: string;
    staff?: StaffChange[];
  }) {
    return this.call<Enrolment>('POST', '/v1/orgs', input);
  }
  enrol(input: { code: string; terminalName: string }) {
    return this.call<Enrolment>('POST', '/v1/enrol', input);
  }
  push(req: PushRequest) {
    return this.call<PushResponse>('POST', '/v1/push', req);
  }
  pull(cursor: number, limit: number, own = false) {
    return this.call<PullResponse>('GET', `/v1/pull?cursor=${cursor}&limit=${limit}${own ? '&own=1' : ''}`);
  }
  /** A product's picture for the online shop (base64 of the full picture and its thumbnail). */
  putPicture(productId: string, body: { name: string; full: string; thumb: string }) {
    return this.call<{ stored: boolean }>('PUT', `/v1/pictures/${encodeURIComponent(productId)}`, body);
  }
  leave() {
    return this.call<{ ok: true }>('POST', '/v1/leave', {});
  }
  staffSignIn(input: { staffId: string; pin: string }) {
    return this.call<StaffSession>('POST', '/v1/staff-sessions', input);
  }
  /** Staff changes an admin decided on this terminal, sent under that admin's cloud session. */
  putStaff(staffToken: string, changes: StaffChange[]) {
    return this.call<{ ok: true; serverTime: number }>('POST', '/v1/staff', { changes }, staffToken);
  }
  stores(staffToken: string) {
    return this.call<StoreWithDevices[]>('GET', '/v1/stores', undefined, staffToken);
  }
  createStore(staffToken: string, name: string) {
    return this.call<StoreWithDevices>('POST', '/v1/stores', { name }, staffToken);
  }
  createCode(staffToken: string, input: { storeId: string; replacesDeviceId?: string | null }) {
    return this.call<EnrolmentCode>('POST', '/v1/enrolment-codes', input, staffToken);
  }
  revoke(staffToken: string, deviceId: string) {
    return this.call<{ ok: true }>('POST', `/v1/devices/${encodeURIComponent(deviceId)}/revoke`, {}, staffToken);
  }
  overview(staffToken: string) {
    return this.call<StoreOverview[]>('GET', '/v1/overview', undefined, staffToken);
  }
  stock(staffToken: string, q: { storeId: string; search: string; offset: number; limit: number }) {
    const qs = `q=${encodeURIComponent(q.search)}&offset=${q.offset}&limit=${q.limit}`;
    return this.call<{ rows: StockRow[]; total: number }>(
      'GET',
      `/v1/stores/${encodeURIComponent(q.storeId)}/stock?${qs}`,
      undefined,
      staffToken,
    );
  }
  /** The online shop's funnel and searches of this terminal's store (a device request). */
  shopInsight(q: { storeId: string; from: string; to: string }) {
    const qs = `store=${encodeURIComponent(q.storeId)}&from=${encodeURIComponent(q.from)}&to=${encodeURIComponent(q.to)}`;
    return this.call<unknown>('GET', `/v1/shop-insight?${qs}`);
  }
  rejections(staffToken: string) {
    return this.call<CloudRejection[]>('GET', '/v1/rejections', undefined, staffToken);
  }
  resolveRejection(staffToken: string, id: string) {
    return this.call<{ ok: true }>('POST', `/v1/rejections/${encodeURIComponent(id)}/resolve`, {}, staffToken);
  }
}
