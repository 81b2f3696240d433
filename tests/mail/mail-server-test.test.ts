import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testMailServer } from "@/lib/mail/mail-server-test";
import type { MailServerLogin } from "@/lib/mail/types";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { newUser, plainMail } from "./sample-mail";

let dovecot: Dovecot;
/** Accepts connections, reads, and never says a word: a hung server, a black-holing firewall. */
let silentServer: net.Server;
const silentConnections = new Set<net.Socket>();
let silentPort: number;
/** A loopback port nothing listens on. */
let closedPort: number;

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

beforeAll(async () => {
  dovecot = await startDovecot();
  silentServer = net.createServer((socket) => {
    silentConnections.add(socket);
    socket.on("close", () => silentConnections.delete(socket));
    socket.resume();
  });
  silentPort = await listen(silentServer);
  const closed = net.createServer();
  closedPort = await listen(closed);
  await new Promise((resolve) => closed.close(resolve));
});

afterAll(async () => {
  for (const socket of silentConnections) socket.destroy();
  await new Promise((resolve) => silentServer?.close(resolve));
  await dovecot?.stop();
});

describe.each(["imap", "pop3"] as const)("testMailServer over %s", (protocol) => {
  async function login(security: MailServerLogin["security"] = "tls"): Promise<MailServerLogin> {
    return dovecot.login(await newUser(dovecot), protocol, security);
  }

  it("succeeds and tells what it found", async () => {
    const good = await login();
    await dovecot.deliver(good.username, plainMail("waiting"));
    const result = await testMailServer(protocol, good);
    expect(result).toEqual(protocol === "imap" ? { ok: true, folders: ["INBOX"] } : { ok: true, messageCount: 1 });
  });

  const failures: [string, MailServerLogin["security"], (good: MailServerLogin) => MailServerLogin, string][] = [
    ["an unknown host", "tls", (good) => ({ ...good, host: "mail.postdesk.invalid" }), "hostNotFound"],
    ["a closed port", "tls", (good) => ({ ...good, port: closedPort }), "connectionRefused"],
    ["a server that never answers", "none", (good) => ({ ...good, port: silentPort, timeoutMs: 500 }), "timeout"],
    ["a TLS handshake that never ends", "tls", (good) => ({ ...good, port: silentPort, timeoutMs: 500 }), "timeout"],
    [
      "TLS to the cleartext port",
      "tls",
      (good) => ({ ...good, port: protocol === "imap" ? dovecot.ports.imap : dovecot.ports.pop3 }),
      "tlsFailed",
    ],
    ["a certificate nobody vouches for (TLS)", "tls", (good) => ({ ...good, tls: {} }), "tlsFailed"],
    ["a certificate nobody vouches for (STARTTLS)", "starttls", (good) => ({ ...good, tls: {} }), "tlsFailed"],
    ["a wrong password", "tls", (good) => ({ ...good, password: `${good.password}-wrong` }), "loginFailed"],
    ["a wrong password (STARTTLS)", "starttls", (good) => ({ ...good, password: `${good.password}-wrong` }), "loginFailed"],
    ["an unknown user", "none", (good) => ({ ...good, username: "nobody@example.test" }), "loginFailed"],
  ];

  // Independent (each has its own user), and most of their time is waiting: run them together.
  it.concurrent.each(failures)("classifies %s", async (_name, security, spoil, failure) => {
    const bad = spoil(await login(security));
    const started = Date.now();
    const result = await testMailServer(protocol, bad);
    expect(result).toMatchObject({ ok: false, failure });
    if (result.ok) return;
    expect(result.detail).not.toBe("");
    expect(result.detail).not.toContain(bad.password);
    expect(Date.now() - started).toBeLessThan(bad.timeoutMs + 2_000);
  });

  it("closes its connection when the server does not answer in time", async () => {
    const server = net.createServer((socket) => socket.resume());
    const port = await listen(server);
    try {
      for (const security of ["none", "tls", "starttls"] as const) {
        const result = await testMailServer(protocol, { ...(await login(security)), port, timeoutMs: 300 });
        expect(result).toMatchObject({ ok: false, failure: "timeout" });
      }
      await expect.poll(() => connectionCount(server), { timeout: 2_000 }).toBe(0);
    } finally {
      server.close();
    }
  });
});

function connectionCount(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}
