// Ports and paths of the kube-play check: fixed by k8s/overlays/local (which says why each differs).
import { CACHE_DIR, type Service } from '../paths.js';

export const KUBE_PORTS = {
  nats: 24222,
  natsMonitor: 28222,
  http: 28080,
  ws: 28081,
  probe: { auth: 29091, ratelimit: 29092, platform: 29093, realtime: 29094, edge: 29095 } as Record<
    Service,
    number
  >,
};
/** The hostPath the overlay mounts at /etc/idp: one directory per service. */
export const HOST_ETC = '/run/idp-local';
export const KUBE_DIR = `${CACHE_DIR}/kube`;
export const KUBE_NATS = 'idp-kube-nats';
export const KUBE_NATS_VOLUME = 'idp-kube-nats-data';
/** The ConfigMap that stands in for auth's Secret env (podman 4.3 cannot take env from a Secret). */
export const AUTH_ENV_CONFIGMAP = 'auth-secrets-local';
/** The tag the overlay names; given to this commit's images while the overlay is played. */
export const PLAY_TAG = 'local';
