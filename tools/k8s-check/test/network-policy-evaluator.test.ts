// The policy evaluator itself, on small cases whose answer the Kubernetes documentation gives.
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { describe, expect, it } from 'vitest';
import { allows, type Endpoint, selects } from '../src/network-policy.js';

const pod = (labels: Record<string, string>, namespace = 'ns'): Endpoint => ({
  name: JSON.stringify(labels),
  namespace,
  namespaceLabels: { 'kubernetes.io/metadata.name': namespace },
  labels,
  ports: [{ name: 'http', containerPort: 8080 }],
});
const a = pod({ app: 'a' });
const b = pod({ app: 'b' });

describe('network policy evaluator', () => {
  it('allows everything when no policy selects either pod', () => {
    expect(allows([], 'ns', { from: a, to: b, port: 8080 })).toBe(true);
  });

  it('isolates a selected pod and allows only what a rule names, by port number or name', () => {
    const policy: INetworkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'b-from-a' },
      spec: {
        podSelector: { matchLabels: { app: 'b' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 'http' }] }],
      },
    };
    expect(allows([policy], 'ns', { from: a, to: b, port: 8080 })).toBe(true);
    expect(allows([policy], 'ns', { from: a, to: b, port: 9090 })).toBe(false);
    expect(allows([policy], 'ns', { from: pod({ app: 'c' }), to: b, port: 8080 })).toBe(false);
    // A podSelector alone means the policy's own namespace.
    expect(allows([policy], 'ns', { from: pod({ app: 'a' }, 'other'), to: b, port: 8080 })).toBe(false);
  });

  it('needs the egress side too once the caller is isolated for egress', () => {
    const denyEgress: INetworkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny' },
      spec: { podSelector: {}, policyTypes: ['Egress'] },
    };
    expect(allows([denyEgress], 'ns', { from: a, to: b, port: 8080 })).toBe(false);
  });

  it('evaluates match expressions', () => {
    const selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] };
    expect(selects(selector, { app: 'a' })).toBe(true);
    expect(selects(selector, { app: 'c' })).toBe(false);
    expect(selects(selector, {})).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, {})).toBe(true);
  });
});
