// The public way in: one host, TLS terminated at the Ingress, /api/v1 to the edge and /ws/v1 to
// realtime (WebSocket, long timeouts), and nothing else routed.
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { find, ofKind } from '../src/objects.js';
import { type Rendered, render } from '../src/render.js';

let rendered: Rendered;
beforeAll(async () => {
  rendered = await render();
});

interface Route {
  host: string;
  path: string;
  pathType: string;
  service: string;
  port: string | number;
  ingress: string;
}

const routes = (objects: Rendered['objects']): Route[] =>
  (ofKind(objects, 'Ingress') as IIngress[]).flatMap((ingress) =>
    (ingress.spec?.rules ?? []).flatMap((rule) =>
      (rule.http?.paths ?? []).map((p) => ({
        host: rule.host ?? '',
        path: p.path ?? '',
        pathType: p.pathType,
        service: p.backend.service?.name ?? '',
        port: p.backend.service?.port?.name ?? p.backend.service?.port?.number ?? '',
        ingress: ingress.metadata?.name ?? '',
      })),
    ),
  );

describe('ingress', () => {
  it('routes /api/v1 to the edge and /ws/v1 to realtime, on one host, and nothing else', () => {
    const table = routes(rendered.objects).map(({ host, path, pathType, service, port }) => ({
      host,
      path,
      pathType,
      service,
      port,
    }));
    expect(table).toEqual([
      { host: 'api.example.com', path: '/api/v1', pathType: 'Prefix', service: 'edge', port: 'http' },
      { host: 'api.example.com', path: '/ws/v1', pathType: 'Prefix', service: 'realtime', port: 'http' },
    ]);
  });

  it('terminates TLS for that host on every Ingress, with no default backend', () => {
    for (const ingress of ofKind(rendered.objects, 'Ingress')) {
      expect(ingress.spec.tls, ingress.metadata.name).toEqual([
        { hosts: ['api.example.com'], secretName: 'idp-api-tls' },
      ]);
      expect(ingress.spec.defaultBackend, ingress.metadata.name).toBeUndefined();
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/ssl-redirect']).toBe('true');
    }
  });

  it('keeps WebSocket connections open for long, and only those', () => {
    const timeouts = (name: string) => {
      const annotations = ofKind(rendered.objects, 'Ingress').find((i) => i.metadata.name === name)?.metadata
        .annotations;
      return ['proxy-read-timeout', 'proxy-send-timeout'].map((key) =>
        Number(annotations?.[`nginx.ingress.kubernetes.io/${key}`] ?? 60),
      );
    };
    const ws = routes(rendered.objects).find((r) => r.path === '/ws/v1')!;
    const api = routes(rendered.objects).find((r) => r.path === '/api/v1')!;
    for (const seconds of timeouts(ws.ingress)) expect(seconds).toBeGreaterThanOrEqual(3600);
    for (const seconds of timeouts(api.ingress)) expect(seconds).toBeLessThanOrEqual(60);
  });

  it('reaches the container port each service serves', () => {
    for (const route of routes(rendered.objects)) {
      const service = find(rendered.objects, 'Service', route.service);
      const port = service.spec.ports.find((p: { name: string }) => p.name === route.port);
      const deployment = find(rendered.objects, 'Deployment', route.service);
      expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
      const container = deployment.spec.template.spec.containers[0];
      const target = container.ports.find((p: { name: string }) => p.name === port.targetPort);
      const env = Object.fromEntries(
        container.env.map((e: { name: string; value?: string }) => [e.name, e.value]),
      );
      expect(String(target.containerPort)).toBe(
        route.service === 'edge' ? env.IDP_HTTP_PORT : env.IDP_WS_PORT,
      );
    }
  });
});
