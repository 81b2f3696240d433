import { describe, expect, it } from "vitest";
import { MailConnectionError } from "../../../lib/mail/connection-error";
import { addressVerdict, parseAllowList, refusedRange, resolveMailHost } from "../../../lib/mail/host-policy";
import { embeddedIpv4 } from "../../../lib/security/ip-address";

/** Decides without connecting: every lookup here is a function that answers from a table. */
const lookupOf = (table: Record<string, string[]>) => async (host: string) => {
  const addresses = table[host];
  if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  return addresses;
};

describe("which addresses a tenant's mail host may lead to", () => {
  it.each([
    ["10.0.0.1", "private"],
    ["172.16.5.4", "private"],
    ["192.168.1.10", "private"],
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "sharedAddressSpace"],
    ["100.100.100.200", "sharedAddressSpace"],
    ["0.0.0.0", "reserved"],
    ["192.0.0.192", "reserved"],
    ["224.0.0.251", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["::", "reserved"],
    ["fc00::1", "private"],
    ["fd00:ec2::254", "private"],
    ["fe80::1", "linkLocal"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "linkLocal"],
    ["64:ff9b::a00:1", "private"],
    ["2002:c0a8:0101::1", "private"],
  ])("refuses %s as %s", (address, range) => {
    expect(refusedRange(address)).toBe(range);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:93.184.216.34", "2002:5db8:d822::1", "100.128.0.1", "172.32.0.1"])(
    "lets public %s through",
    (address) => {
      expect(refusedRange(address)).toBeNull();
    },
  );

  it("reads the IPv4 address inside mapped, NAT64 and 6to4 addresses, and no other", () => {
    expect(embeddedIpv4("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(embeddedIpv4("64:ff9b::c0a8:101")).toBe("192.168.1.1");
    expect(embeddedIpv4("2002:0a00:0001::")).toBe("10.0.0.1");
    expect(embeddedIpv4("2606:4700::1")).toBeNull();
    expect(embeddedIpv4("10.0.0.1")).toBeNull();
  });

  it("allows what POSTDESK_MAIL_HOSTS_ALLOW names, and only that", () => {
    const allow = parseAllowList("127.0.0.0/8, ::1, 192.168.10.0/24");
    expect(addressVerdict("127.0.0.1", allow)).toBeNull();
    expect(addressVerdict("::ffff:127.0.0.1", allow)).toBeNull();
    expect(addressVerdict("::1", allow)).toBeNull();
    expect(addressVerdict("192.168.10.7", allow)).toBeNull();
    expect(addressVerdict("192.168.11.7", allow)).toBe("private");
    expect(addressVerdict("169.254.169.254", allow)).toBe("linkLocal");
    expect(addressVerdict("10.0.0.1", parseAllowList(""))).toBe("private");
  });

  it("says which setting is wrong when the allowlist cannot be read", () => {
    expect(() => parseAllowList("10.0.0.0/33")).toThrow(/POSTDESK_MAIL_HOSTS_ALLOW: "10.0.0.0\/33"/);
    expect(() => parseAllowList("intranet")).toThrow(/not an address or CIDR/);
  });
});

describe("resolving a tenant's mail host before connecting", () => {
  const none = parseAllowList("");

  it("connects to the address it checked, and checks the certificate against the name", async () => {
    const lookup = lookupOf({ "imap.example.com": ["93.184.216.34"] });
    expect(await resolveMailHost("imap.example.com", { lookup, allow: none })).toEqual({
      address: "93.184.216.34",
      servername: "imap.example.com",
    });
    expect(await resolveMailHost("[2606:4700:4700::1111]", { lookup, allow: none })).toEqual({ address: "2606:4700:4700::1111" });
  });

  it("refuses a name that leads into a private range, saying nothing of ports", async () => {
    const lookup = lookupOf({ "metadata.internal.example": ["169.254.169.254"], localhost: ["::1", "127.0.0.1"] });
    for (const host of ["metadata.internal.example", "localhost", "10.0.0.1", "[::1]", "::ffff:127.0.0.1"]) {
      const error = await resolveMailHost(host, { lookup, allow: none }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MailConnectionError);
      expect((error as MailConnectionError).failure).toBe("addressRefused");
      expect((error as MailConnectionError).detail).not.toMatch(/port|refused the connection|timed? ?out/i);
    }
  });

  it("refuses a name with any private address among public ones (the connection could take either)", async () => {
    const lookup = lookupOf({ "mixed.example.com": ["93.184.216.34", "10.0.0.5"] });
    await expect(resolveMailHost("mixed.example.com", { lookup, allow: none })).rejects.toMatchObject({ failure: "addressRefused" });
  });

  it("asks the resolver once, so an answer that changes afterwards cannot move the connection", async () => {
    const answers = [["93.184.216.34"], ["127.0.0.1"]];
    let asked = 0;
    const rebinding = async () => answers[asked++] ?? [];
    const target = await resolveMailHost("rebind.example.com", { lookup: rebinding, allow: none });
    expect(asked).toBe(1);
    expect(target.address).toBe("93.184.216.34");
  });

  it("lets a name that does not resolve fail as host not found", async () => {
    await expect(resolveMailHost("nowhere.example.com", { lookup: lookupOf({}), allow: none })).rejects.toMatchObject({
      code: "ENOTFOUND",
    });
  });
});
