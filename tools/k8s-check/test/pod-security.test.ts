// Every pod runs as the non-root node user with a read-only root filesystem, no privilege escalation,
// no capabilities and the runtime's seccomp profile: the "restricted" Pod Security Standard, which the
// namespace enforces.
import { beforeAll, describe, expect, it } from 'vitest';
import { containersOf, find, workloads } from '../src/objects.js';
import { type Rendered, render } from '../src/render.js';

let rendered: Rendered;
beforeAll(async () => {
  rendered = await render();
});

describe('pod security', () => {
  it('is enforced as "restricted" on the namespace', () => {
    expect(find(rendered.objects, 'Namespace', 'idp').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  it('runs every pod as a non-root user and group with the RuntimeDefault seccomp profile', () => {
    const names = workloads(rendered.objects).map((w) => w.name);
    expect(names.sort()).toEqual(['auth', 'edge', 'nats', 'nats-setup', 'platform', 'ratelimit', 'realtime']);
    for (const { name, pod } of workloads(rendered.objects)) {
      const context = pod.securityContext;
      expect(context?.runAsNonRoot, name).toBe(true);
      expect(context?.runAsUser, name).toBeGreaterThan(0);
      expect(context?.runAsGroup, name).toBeGreaterThan(0);
      expect(context?.seccompProfile?.type, name).toBe('RuntimeDefault');
      // No pod here talks to the Kubernetes API, so none carries a token for it.
      expect(pod.automountServiceAccountToken, name).toBe(false);
      expect(pod.hostNetwork || pod.hostPID || pod.hostIPC, name).toBeFalsy();
      expect(
        (pod.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name),
        name,
      ).toEqual([]);
    }
  });

  it('locks down every container', () => {
    for (const { name, pod } of workloads(rendered.objects)) {
      for (const container of containersOf(pod)) {
        const label = `${name}/${container.name}`;
        const context = container.securityContext;
        expect(context?.runAsNonRoot, label).toBe(true);
        expect(context?.runAsUser, label).toBeGreaterThan(0);
        expect(context?.runAsGroup, label).toBeGreaterThan(0);
        expect(context?.readOnlyRootFilesystem, label).toBe(true);
        expect(context?.allowPrivilegeEscalation, label).toBe(false);
        expect(context?.privileged, label).toBeFalsy();
        expect(context?.capabilities?.drop, label).toEqual(['ALL']);
        expect(context?.capabilities?.add, label).toBeUndefined();
        expect(context?.seccompProfile?.type, label).toBe('RuntimeDefault');
        expect(container.resources?.requests?.cpu, label).toBeDefined();
        expect(container.resources?.limits?.memory, label).toBeDefined();
      }
    }
  });

  it('gives every Node.js container a writable /tmp, since the root filesystem is read-only', () => {
    for (const { name, pod } of workloads(rendered.objects).filter((w) => w.name !== 'nats')) {
      const tmp = pod.containers[0]?.volumeMounts?.find((m) => m.mountPath === '/tmp');
      expect(tmp, name).toBeDefined();
      expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, name).toBeDefined();
    }
  });

  it('mounts configuration and secrets read-only', () => {
    for (const { name, pod } of workloads(rendered.objects)) {
      for (const mount of pod.containers.flatMap((c) => c.volumeMounts ?? [])) {
        const volume = pod.volumes?.find((v) => v.name === mount.name);
        if (volume?.projected || volume?.secret || volume?.configMap)
          expect(mount.readOnly, `${name} ${mount.mountPath}`).toBe(true);
      }
    }
  });
});
