import { describe, expect, it } from 'vitest';
import { parseRoute } from '../src/router.js';

describe('the hash routes', () => {
  it('name the view and the id', () => {
    expect(parseRoute('')).toEqual({ view: 'applications', id: undefined });
    expect(parseRoute('#/applications/app_1')).toEqual({ view: 'application', id: 'app_1' });
    expect(parseRoute('#/operations/op_9')).toEqual({ view: 'operation', id: 'op_9' });
    expect(parseRoute('#/resources/caches')).toEqual({ view: 'resources', id: 'caches' });
  });

  it('send anything else to "not found"', () => {
    expect(parseRoute('#/applications/a/b')).toEqual({ view: 'not-found' });
    expect(parseRoute('#/<script>')).toEqual({ view: 'not-found' });
  });
});
