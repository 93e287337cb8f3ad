import { describe, expect, it } from 'vitest';
import { ApiError, ErrorCodes, paginate } from './index.js';

describe('paginate', () => {
  const items = Array.from({ length: 11 }, (_, i) => i);
  it('slices one page and reports the whole', () => {
    expect(paginate(items, 2, 5)).toEqual({
      items: [5, 6, 7, 8, 9],
      pagination: { page: 2, per_page: 5, total: 11, total_pages: 3 },
    });
  });
  it('answers an empty page past the end', () => {
    expect(paginate(items, 9, 5).items).toEqual([]);
  });
  it('reports zero pages for an empty list', () => {
    expect(paginate([], 1, 50).pagination).toEqual({ page: 1, per_page: 50, total: 0, total_pages: 0 });
  });
});

describe('ApiError', () => {
  it('carries the HTTP status of its code and round-trips through its body', () => {
    const error = new ApiError('CONFLICT', 'stale', { expected: '1' });
    expect(error.status).toBe(409);
    const copy = ApiError.from(error.toBody());
    expect(copy).toMatchObject({
      code: 'CONFLICT',
      status: 409,
      message: 'stale',
      details: { expected: '1' },
    });
  });
  it('maps every code to a 4xx or 5xx status', () => {
    for (const status of Object.values(ErrorCodes)) expect(status).toBeGreaterThanOrEqual(400);
  });
});
