// Connection caps of one instance: in all, per client address (checked at the upgrade, so
// unauthenticated sockets count too) and per principal (checked when a connection authenticates).
// Each admission hands back its release, called once when the socket goes away.
import type { RealtimeConfig } from '@idp/config';
import { CloseCodes, type ErrorCode } from '@idp/contracts';

type Limits = Pick<
  RealtimeConfig,
  'max_connections' | 'max_connections_per_ip' | 'max_connections_per_principal'
>;

export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; closeCode: number; code: ErrorCode; message: string };

export class ConnectionLimits {
  private total = 0;
  private readonly byAddress = new Map<string, number>();
  private readonly byPrincipal = new Map<string, number>();

  constructor(private readonly limits: Limits) {}

  get connections(): number {
    return this.total;
  }

  /** A new socket from `address`. */
  admit(address: string): Admission {
    if (this.total >= this.limits.max_connections) {
      return {
        admitted: false,
        closeCode: CloseCodes.INSTANCE_FULL,
        code: 'SERVICE_UNAVAILABLE',
        message: `This instance holds its maximum of ${this.limits.max_connections} connections; reconnect later`,
      };
    }
    const perAddress = this.limits.max_connections_per_ip;
    if ((this.byAddress.get(address) ?? 0) >= perAddress) {
      return {
        admitted: false,
        closeCode: CloseCodes.TOO_MANY_CONNECTIONS_IP,
        code: 'QUOTA_EXCEEDED',
        message: `Too many connections from one address (at most ${perAddress})`,
      };
    }
    this.total++;
    const releaseAddress = claim(this.byAddress, address);
    return {
      admitted: true,
      release: once(() => {
        this.total--;
        releaseAddress();
      }),
    };
  }

  /** A connection authenticated as `principal` (tenant + sub); undefined when the principal is at its cap. */
  claimPrincipal(principal: string): (() => void) | undefined {
    if ((this.byPrincipal.get(principal) ?? 0) >= this.limits.max_connections_per_principal) return undefined;
    return once(claim(this.byPrincipal, principal));
  }
}

function claim(counts: Map<string, number>, key: string): () => void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
  return () => {
    const left = (counts.get(key) ?? 1) - 1;
    if (left <= 0) counts.delete(key);
    else counts.set(key, left);
  };
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
