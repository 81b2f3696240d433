import http from "node:http";
import net from "node:net";
import { embeddedIpv4, ipv6Groups } from "@/lib/security/ip-address";

/**
 * Who is signing in, by network address, for throttling. `next start` fills in X-Forwarded-For with
 * the connection's peer only when the request has none (next/dist/server/base-server.js: `??=`), so
 * a client could name any address it likes. The server therefore appends the peer itself at the
 * door (`stampClientAddresses`, from instrumentation.ts), and only the entries appended by our own
 * side are believed: the peer, or with POSTDESK_TRUSTED_PROXY_HOPS=n reverse proxies in front, the
 * entry the outermost of them appended.
 */

export function trustedProxyHops(env: NodeJS.ProcessEnv): number {
  const hops = Number(env.POSTDESK_TRUSTED_PROXY_HOPS ?? 0);
  if (!Number.isInteger(hops) || hops < 0) {
    throw new Error("POSTDESK_TRUSTED_PROXY_HOPS must be a whole number: how many reverse proxies stand in front");
  }
  return hops;
}

/** The client's address from X-Forwarded-For as stamped at the door, for throttling; null when there is none. */
export function clientAddress(forwardedFor: string | null | undefined, hops: number): string | null {
  const entries = (forwardedFor ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  // Fewer entries than proxies: a proxy was bypassed or misconfigured; the first entry is all there is.
  const entry = entries[Math.max(0, entries.length - 1 - hops)];
  return entry ? throttleAddress(entry) : null;
}

/**
 * One address per client: IPv4 as it is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64 network, which
 * is what one subscriber gets, so that walking through a network's addresses does not escape.
 */
export function throttleAddress(address: string): string | null {
  const plain = address.replace(/^\[|\](:\d+)?$/g, "");
  if (net.isIPv4(plain)) return plain;
  const groups = ipv6Groups(plain);
  if (!groups) return null;
  // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is that IPv4 client.
  if (groups.slice(0, 6).join() === "0,0,0,0,0,65535") return embeddedIpv4(plain);
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(":")}::/64`;
}

/** X-Forwarded-For after the door: whatever came in, then the connection's peer. */
export function stampedForwardedFor(incoming: string | string[] | undefined, peer: string | undefined): string | undefined {
  const before = Array.isArray(incoming) ? incoming.join(", ") : incoming;
  if (!peer) return before;
  return before ? `${before}, ${peer}` : peer;
}

let stamped = false;

/** Appends each request's peer to its X-Forwarded-For before Next sees it (see the top of this file). */
export function stampClientAddresses(): void {
  if (stamped) return;
  stamped = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      request.headers["x-forwarded-for"] = stampedForwardedFor(request.headers["x-forwarded-for"], request.socket.remoteAddress);
    }
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof emit;
}
