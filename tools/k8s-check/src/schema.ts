// Validates a rendered object against the Kubernetes OpenAPI schema of its apiVersion and kind, with
// the validators that kubernetes-models generates from it. A kind it does not know (a CRD, a typo in
// apiVersion) is an error, not a pass.
import type { K8sObject } from './objects.js';

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/** `apps/v1` → `kubernetes-models/apps/v1`; the core group `v1` → `kubernetes-models/v1`. */
const modulePath = (apiVersion: string) => `kubernetes-models/${apiVersion}`;

/**
 * kustomize wraps long base64 values of Secret data over several lines; the API server's decoder
 * (Go's encoding/base64) skips line breaks, the schema's "byte" format does not.
 */
function asSent(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || !object.data) return object;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([key, value]) => [
      key,
      value.replace(/[\r\n]/g, ''),
    ]),
  );
  return { ...object, data };
}

export async function schemaErrors(object: K8sObject): Promise<string[]> {
  const label = `${object.apiVersion} ${object.kind} ${object.metadata?.name}`;
  let models: Record<string, unknown>;
  try {
    models = await import(modulePath(object.apiVersion));
  } catch {
    return [`${label}: unknown apiVersion`];
  }
  const Model = models[object.kind] as ModelClass | undefined;
  if (typeof Model !== 'function') return [`${label}: unknown kind`];
  try {
    new Model(asSent(object)).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (!errors) return [`${label}: ${(error as Error).message}`];
    return errors.map((e) => `${label}: ${e.instancePath || '/'} ${e.message ?? ''}`.trim());
  }
}
