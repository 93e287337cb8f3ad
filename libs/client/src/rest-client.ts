// Typed REST access to the whole route table (spec §3.2): method and path come from `Routes` in
// @idp/contracts, the envelope is unwrapped, failures throw ApiError with the contract's code.
// Web-standard APIs only (fetch, AbortSignal, URL), so it runs in Node 20 and browsers.
import { ApiError, type ErrorBody, type ErrorCode, ErrorCodes, type RouteDef, Routes } from '@idp/contracts';
import { ROUTE_NAMES, type RouteName, type RouteTree } from './route-names.js';

export type TokenSource = string | (() => string | Promise<string>);

export interface RestClientOptions {
  /** e.g. http://127.0.0.1:8080 (the `/api/v1` prefix is added). */
  baseUrl: string;
  token?: TokenSource;
  apiKey?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export interface CallInput {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Sent as `If-Match` for conditional writes. */
  ifMatch?: string;
  signal?: AbortSignal;
}

export interface Envelope<T> {
  data: T;
  meta: { request_id: string; timestamp: string; api_version: string };
  pagination?: { page: number; per_page: number; total: number; total_pages: number };
}

export type RouteMethod = <T = unknown>(input?: CallInput) => Promise<T>;

const routesByName = new Map<string, RouteDef>(Routes.map((r) => [r.name, r]));

export class RestClient {
  constructor(private readonly options: RestClientOptions) {}

  /** The envelope's `data`. */
  async call<T = unknown>(name: RouteName, input: CallInput = {}): Promise<T> {
    return (await this.callEnvelope<T>(name, input)).data;
  }

  /** The whole success envelope (for `pagination` and `meta`). */
  async callEnvelope<T = unknown>(name: RouteName, input: CallInput = {}): Promise<Envelope<T>> {
    const route = routesByName.get(name);
    if (!route) throw new ApiError('NOT_FOUND', `Unknown route '${name}'`);
    const res = await (this.options.fetch ?? fetch)(this.url(route, input), {
      method: route.method,
      headers: await this.headers(route, input),
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
      signal: input.signal ?? AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
    });
    const text = await res.text();
    let body: { success?: boolean; error?: ErrorBody } & Partial<Envelope<T>>;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(codeForStatus(res.status), `HTTP ${res.status}: the response is not JSON`);
    }
    if (!res.ok || body.success === false) {
      if (body.error?.code) throw ApiError.from(body.error);
      throw new ApiError(codeForStatus(res.status), `HTTP ${res.status}`);
    }
    return body as Envelope<T>;
  }

  private url(route: RouteDef, input: CallInput): string {
    const path = route.path.replace(/:([A-Za-z_]+)/g, (_, key: string) => {
      const value = input.params?.[key];
      if (value === undefined)
        throw new ApiError('VALIDATION_ERROR', `Missing path parameter '${key}' for ${route.name}`);
      return encodeURIComponent(value);
    });
    const url = new URL(`${this.options.baseUrl.replace(/\/$/, '')}/api/v1${path}`);
    for (const [key, value] of Object.entries(input.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private async headers(route: RouteDef, input: CallInput): Promise<Record<string, string>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    if (input.ifMatch) headers['if-match'] = `"${input.ifMatch}"`;
    const { token, apiKey } = this.options;
    if (token !== undefined && route.permission !== 'public') {
      headers.authorization = `Bearer ${typeof token === 'function' ? await token() : token}`;
    }
    if (apiKey) headers['x-api-key'] = apiKey;
    return headers;
  }
}

function codeForStatus(status: number): ErrorCode {
  const match = (Object.entries(ErrorCodes) as [ErrorCode, number][]).find(([, s]) => s === status);
  return match?.[0] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR');
}

export type ApiClient = RestClient & RouteTree<RouteMethod>;

/** A RestClient with one method per route: `api.applications.get({ params: { id } })`. */
export function createApiClient(options: RestClientOptions): ApiClient {
  const client = new RestClient(options);
  const tree: Record<string, unknown> = client as unknown as Record<string, unknown>;
  for (const name of ROUTE_NAMES) {
    const parts = name.split('.');
    let node = tree;
    for (const part of parts.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts.at(-1)!] = (input?: CallInput) => client.call(name, input);
  }
  return client as ApiClient;
}
