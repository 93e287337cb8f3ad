// A small fetch wrapper for tests: status, headers and the parsed body.

export interface HttpResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests walk arbitrary JSON
  body: any;
}

export async function httpJson(url: string, init: RequestInit = {}): Promise<HttpResult> {
  const res = await fetch(url, { signal: AbortSignal.timeout(15_000), ...init });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON (e.g. Prometheus text): keep the text.
  }
  return { status: res.status, headers: res.headers, body };
}
