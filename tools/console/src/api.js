// REST calls to /api/v1 with the signed-in credential. Every answer is the contract's envelope; a
// refusal becomes an ApiFailure carrying the API's own error code and message.
import { parseRateLimit } from './rate-limit.js';

export const API_BASE = '/api/v1';

export class ApiFailure extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/**
 * @param {import('./session.js').Credential} credential
 * @param {{ onRateLimit?: (headroom: import('./rate-limit.js').Headroom) => void }} hooks
 */
export function createApi(credential, hooks = {}) {
  async function call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (credential.kind === 'api_key') headers['X-API-Key'] = credential.value;
    else headers.Authorization = `Bearer ${credential.value}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(`${API_BASE}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (error) {
      throw new ApiFailure(0, 'NETWORK_ERROR', `The gateway could not be reached: ${error.message}`);
    }
    const headroom = parseRateLimit(
      response.headers.get('RateLimit'),
      response.headers.get('RateLimit-Policy'),
    );
    if (headroom) hooks.onRateLimit?.(headroom);
    const envelope = await response.json().catch(() => undefined);
    if (!response.ok || !envelope?.success) {
      const error = envelope?.error;
      throw new ApiFailure(
        response.status,
        error?.code ?? `HTTP_${response.status}`,
        error?.message ?? (response.statusText || 'The gateway answered without an error body'),
        error?.details,
      );
    }
    return { data: envelope.data, pagination: envelope.pagination };
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body = {}) => call('POST', path, body),
  };
}
