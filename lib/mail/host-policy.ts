import dns from "node:dns";
import net from "node:net";
import { MailConnectionError } from "@/lib/mail/connection-error";
import { embeddedIpv4 } from "@/lib/security/ip-address";

/**
 * Where Postdesk connects when a tenant names a mail server. Anyone can sign up and type a host
 * and port into a mailbox form, so without this the server would connect, on their behalf, into
 * the network it runs in: its loopback, its private ranges, the cloud's metadata service.
 *
 * 1. The name is resolved first. An address in a range that is not the public internet (loopback,
 *    private, link-local, shared CGNAT space, multicast, reserved, and the cloud metadata
 *    addresses, which sit in link-local and unique-local space) is refused, unless
 *    POSTDESK_MAIL_HOSTS_ALLOW names it (CIDRs: a self-hoster's LAN, the tests' loopback).
 * 2. A name with any refused address is refused as a whole: the connection would otherwise go to
 *    whichever address the resolver put first.
 * 3. The connection goes to the address that was checked, never to the name again: a DNS answer
 *    that changes between the check and the connection (rebinding) cannot move it. TLS still checks
 *    the certificate against the name (SNI and verification use `servername`).
 * 4. A refusal names the kind of range and nothing about the port: nothing was sent.
 */

export type RefusedRange = "loopback" | "private" | "linkLocal" | "sharedAddressSpace" | "multicast" | "reserved";

/** IANA's special-purpose registries (RFC 6890 and successors), the ranges that matter here. */
const REFUSED_V4: readonly [string, number, RefusedRange][] = [
  ["0.0.0.0", 8, "reserved"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "sharedAddressSpace"],
  ["127.0.0.0", 8, "loopback"],
  // 169.254.169.254 is the metadata service of AWS, GCP, Azure and most other clouds.
  ["169.254.0.0", 16, "linkLocal"],
  ["172.16.0.0", 12, "private"],
  // Oracle Cloud's metadata is 192.0.0.192.
  ["192.0.0.0", 24, "reserved"],
  ["192.0.2.0", 24, "reserved"],
  ["192.88.99.0", 24, "reserved"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"],
  ["198.51.100.0", 24, "reserved"],
  ["203.0.113.0", 24, "reserved"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

const REFUSED_V6: readonly [string, number, RefusedRange][] = [
  ["::", 128, "reserved"],
  ["::1", 128, "loopback"],
  ["64:ff9b:1::", 48, "private"],
  ["100::", 64, "reserved"],
  ["2001::", 23, "reserved"],
  ["2001:db8::", 32, "reserved"],
  // Unique local addresses; AWS's IPv6 metadata service is fd00:ec2::254.
  ["fc00::", 7, "private"],
  ["fe80::", 10, "linkLocal"],
  ["fec0::", 10, "private"],
  ["ff00::", 8, "multicast"],
];

function blockList(ranges: readonly [string, number, RefusedRange][], type: "ipv4" | "ipv6", kind: RefusedRange): net.BlockList {
  const list = new net.BlockList();
  for (const [network, prefix, rangeKind] of ranges) {
    if (rangeKind === kind) list.addSubnet(network, prefix, type);
  }
  return list;
}

const KINDS: readonly RefusedRange[] = ["loopback", "private", "linkLocal", "sharedAddressSpace", "multicast", "reserved"];
const REFUSED = KINDS.map((kind) => ({ kind, v4: blockList(REFUSED_V4, "ipv4", kind), v6: blockList(REFUSED_V6, "ipv6", kind) }));

/** Which refused range an address is in, or null for a public address. Decides without connecting. */
export function refusedRange(address: string): RefusedRange | null {
  const v4 = net.isIPv4(address) ? address : embeddedIpv4(address);
  if (v4) return REFUSED.find((range) => range.v4.check(v4, "ipv4"))?.kind ?? null;
  if (!net.isIPv6(address)) throw new Error(`Not an IP address: ${address}`);
  return REFUSED.find((range) => range.v6.check(address, "ipv6"))?.kind ?? null;
}

/** The allowlist from POSTDESK_MAIL_HOSTS_ALLOW: comma-separated CIDRs (or single addresses). */
export function parseAllowList(value: string | undefined): net.BlockList {
  const list = new net.BlockList();
  for (const entry of (value ?? "").split(",").map((part) => part.trim()).filter(Boolean)) {
    const [network = "", prefixText] = entry.split("/");
    const type = net.isIPv4(network) ? "ipv4" : net.isIPv6(network) ? "ipv6" : null;
    const max = type === "ipv4" ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!type || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new Error(`POSTDESK_MAIL_HOSTS_ALLOW: "${entry}" is not an address or CIDR (e.g. 192.168.1.0/24, fd00::/8)`);
    }
    list.addSubnet(network, prefix, type);
  }
  return list;
}

function allowed(address: string, allow: net.BlockList): boolean {
  const v4 = net.isIPv4(address) ? address : embeddedIpv4(address);
  return v4 ? allow.check(v4, "ipv4") : allow.check(address, "ipv6");
}

/** Whether a connection to `address` is refused under this allowlist, and as what. */
export function addressVerdict(address: string, allow: net.BlockList): RefusedRange | null {
  const range = refusedRange(address);
  return range && !allowed(address, allow) ? range : null;
}

let parsedAllowList: { value: string | undefined; list: net.BlockList } | undefined;

/** Read at each connection, parsed once per value: tests and operators may change it at run time. */
function currentAllowList(): net.BlockList {
  const value = process.env.POSTDESK_MAIL_HOSTS_ALLOW;
  if (parsedAllowList && parsedAllowList.value === value) return parsedAllowList.list;
  const list = parseAllowList(value);
  parsedAllowList = { value, list };
  return list;
}

/** Where to connect for a mail server's name: the checked address, and the name for TLS. */
export interface MailHostTarget {
  address: string;
  /** For SNI and certificate verification; absent for an IP literal (RFC 6066 §3: names only). */
  servername?: string;
}

export type Lookup = (host: string) => Promise<string[]>;

const systemLookup: Lookup = async (host) =>
  (await dns.promises.lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * The address to connect to for `host`, or a MailConnectionError("addressRefused") when the name
 * leads anywhere but the public internet and the allowlist does not name it. A name that does not
 * resolve fails as the connection would ("hostNotFound").
 */
export async function resolveMailHost(
  host: string,
  options: { lookup?: Lookup; allow?: net.BlockList } = {},
): Promise<MailHostTarget> {
  const literal = host.replace(/^\[(.*)\]$/, "$1");
  const addresses = net.isIP(literal) ? [literal] : await (options.lookup ?? systemLookup)(host);
  const allow = options.allow ?? currentAllowList();
  for (const address of addresses) {
    const range = addressVerdict(address, allow);
    if (range) {
      throw new MailConnectionError(
        "addressRefused",
        `${host} is in a ${range} address range, which Postdesk does not connect to (POSTDESK_MAIL_HOSTS_ALLOW can allow it)`,
      );
    }
  }
  const [address] = addresses;
  if (!address) throw new MailConnectionError("hostNotFound", `${host} has no address`);
  return net.isIP(literal) ? { address } : { address, servername: host };
}
