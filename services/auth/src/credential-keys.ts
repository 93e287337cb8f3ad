// Where each kind of record lives in the credentials bucket: one place, so a record found through a
// grantor link and the same record found by its own class always agree.

/** API keys are filed under the hash of the key, so authentication is one lookup. */
export const apiKeyRecordKey = (keyHash: string) => `apikey.${keyHash}`;
export const serviceAccountRecordKey = (tenant: string, id: string) => `sa.${tenant}.${id}`;
export const serviceAccountPrefix = (tenant: string) => `sa.${tenant}.`;
export const API_KEY_PREFIX_IN_BUCKET = 'apikey.';

/** The bucket key of any credential record. */
export function credentialRecordKey(record: {
  kind: string;
  id: string;
  tenant_id: string;
  key_hash?: string;
}): string {
  return record.kind === 'api_key'
    ? apiKeyRecordKey(record.key_hash ?? '')
    : serviceAccountRecordKey(record.tenant_id, record.id);
}
