// The client address that unauthenticated requests are counted by. The TCP peer, unless the peer is a
// proxy listed in `rate_limits.trusted_proxies`: then `X-Forwarded-For` is read from the right (the
// entries our own proxies appended) to the first address that is not a trusted proxy. Entries further
// left were written by the client and are never believed. IPv6 clients are counted per /64, the block
// one subscriber usually holds, so rotating addresses inside it does not buy fresh buckets.
import { isIPv4, isIPv6 } from 'node:net';

/** XFF entries looked at, at most: a longer chain of our own proxies is a misconfiguration. */
const MAX_HOPS = 16;

interface Range {
  v6: boolean;
  base: bigint;
  bits: number;
}

export type TrustedProxies = (address: string) => boolean;

/** Compiles validated entries (`10.0.0.7`, `10.0.0.0/8`, `fd00::/8`) into a membership test. */
export function trustedProxies(entries: readonly string[]): TrustedProxies {
  const ranges: Range[] = entries.map((entry) => {
    const [address = '', bits] = entry.split('/');
    const v6 = isV6(address);
    // `::ffff:10.0.0.0/104` is the IPv4 range 10.0.0.0/8: addresses are compared as IPv4.
    const offset = !v6 && isIPv6(address) ? 96 : 0;
    const width = v6 ? 128 : 32;
    const prefix = bits === undefined ? width : Math.max(0, Number(bits) - offset);
    return { v6, base: toBigInt(address)!, bits: prefix };
  });
  return (address) => {
    const value = toBigInt(address);
    if (value === undefined) return false;
    const v6 = isV6(address);
    return ranges.some((r) => r.v6 === v6 && sameBlock(value, r.base, r.bits, v6 ? 128 : 32));
  };
}

/** The address to count a request by (normalised; IPv6 as its /64). */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: TrustedProxies,
): string {
  let client = normalise(peer ?? '');
  if (!trusted(client) || forwardedFor === undefined) return bucketOf(client);
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor).split(',');
  for (let i = hops.length - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
    const hop = normalise(hops[i]!.trim());
    // Not an address: written by whoever sent it to the proxy, so that sender is all we know.
    if (toBigInt(hop) === undefined) break;
    client = hop;
    if (!trusted(hop)) break;
  }
  return bucketOf(client);
}

function normalise(address: string): string {
  return mappedV4(address) ?? address.toLowerCase();
}

/** `::ffff:1.2.3.4` is the IPv4 client 1.2.3.4 (a dual-stack listener reports it so). */
function mappedV4(address: string): string | undefined {
  const match = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return match && isIPv4(match[1]!) ? match[1] : undefined;
}

const isV6 = (address: string) => isIPv6(address) && mappedV4(address) === undefined;

function bucketOf(address: string): string {
  if (!isV6(address)) return address;
  const value = toBigInt(address)!;
  const groups = [48n, 32n, 16n, 0n].map((shift) => ((value >> (64n + shift)) & 0xffffn).toString(16));
  return `${groups.join(':')}::/64`;
}

function sameBlock(a: bigint, b: bigint, bits: number, width: number) {
  const shift = BigInt(width - bits);
  return a >> shift === b >> shift;
}

/** An IPv4 or IPv6 address as a number; undefined when it is neither. */
function toBigInt(address: string): bigint | undefined {
  const v4 = mappedV4(address) ?? (isIPv4(address) ? address : undefined);
  if (v4) return v4.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n);
  if (!isIPv6(address)) return undefined;
  let text = address.split('%')[0]!;
  // A trailing dotted quad (`::1.2.3.4`) is the last two groups.
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const n = toBigInt(quad[1]!)!;
    text = `${text.slice(0, -quad[1]!.length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups =
    tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((n, group) => (n << 16n) | BigInt(Number.parseInt(group || '0', 16)), 0n);
}
