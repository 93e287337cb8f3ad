// The schema check itself: it must reject what the API server would, or its silence means nothing.
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../src/schema.js';

describe('schema check', () => {
  it('rejects a field of the wrong type, naming where it is', async () => {
    const errors = await schemaErrors({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bad' },
      spec: {
        selector: {},
        template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 'http' }] }] } },
      },
    });
    expect(errors).toEqual([
      expect.stringContaining('/spec/template/spec/containers/0/ports/0/containerPort'),
    ]);
  });

  it('rejects a value outside an enumeration', async () => {
    const errors = await schemaErrors({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'bad' },
      spec: { podSelector: {}, policyTypes: ['Ingres'] },
    });
    expect(errors).toEqual([expect.stringContaining('/spec/policyTypes/0')]);
  });

  it('rejects a kind or an apiVersion it does not know', async () => {
    expect(await schemaErrors({ apiVersion: 'v1', kind: 'Servise', metadata: { name: 'x' } })).toEqual([
      'v1 Servise x: unknown kind',
    ]);
    expect(
      await schemaErrors({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'x' } }),
    ).toEqual(['cert-manager.io/v1 Certificate x: unknown apiVersion']);
  });

  it('accepts Secret data that kustomize wrapped over several lines', async () => {
    const data = { key: 'AAAA\nAAAA' };
    expect(await schemaErrors({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data })).toEqual(
      [],
    );
  });
});
