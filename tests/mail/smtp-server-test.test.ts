import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SmtpLogin } from "@/lib/mail/smtp";
import { testSmtpServer } from "@/lib/mail/smtp-test";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";
import { freePort } from "../setup/daemons";

const USER = "sender@acme.test";
const PASSWORD = "Sender-Password-1";

let plain: SmtpSink;
let starttls: SmtpSink;
let implicitTls: SmtpSink;
/** Accepts connections and never says a word: a hung server. */
let silentServer: net.Server;
const silentConnections = new Set<net.Socket>();

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as net.AddressInfo).port)));
}

function login(sink: SmtpSink, fields: Partial<SmtpLogin> = {}): SmtpLogin {
  return {
    host: sink.host,
    port: sink.port,
    security: "none",
    auth: { username: USER, password: PASSWORD },
    timeoutMs: 5_000,
    ...fields,
  };
}

beforeAll(async () => {
  const users = { [USER]: PASSWORD };
  [plain, starttls, implicitTls] = await Promise.all([
    startSmtpSink({ users }),
    startSmtpSink({ users, tls: "starttls" }),
    startSmtpSink({ users, tls: "tls" }),
  ]);
  silentServer = net.createServer((socket) => {
    silentConnections.add(socket);
    socket.on("close", () => silentConnections.delete(socket));
    socket.resume();
  });
});

afterAll(async () => {
  for (const socket of silentConnections) socket.destroy();
  await new Promise((resolve) => (silentServer?.listening ? silentServer.close(resolve) : resolve(undefined)));
  await Promise.all([plain?.stop(), starttls?.stop(), implicitTls?.stop()]);
});

describe("testSmtpServer", () => {
  it("signs in with the right password and sends nothing", async () => {
    expect(await testSmtpServer(login(plain))).toEqual({ ok: true });
    expect(plain.messages).toEqual([]);
  });

  it("says the login failed for a wrong password, without repeating it", async () => {
    const wrong = "Not-The-Password-9";
    const result = await testSmtpServer(login(plain, { auth: { username: USER, password: wrong } }));
    expect(result).toMatchObject({ ok: false, failure: "loginFailed" });
    expect(!result.ok && result.detail).toMatch(/535/);
    expect(JSON.stringify(result)).not.toContain(wrong);
    expect(JSON.stringify(result)).not.toContain(Buffer.from(wrong).toString("base64"));
  });

  it("connects without signing in to a server that needs none", async () => {
    const relay = await startSmtpSink();
    try {
      expect(await testSmtpServer(login(relay, { auth: null }))).toEqual({ ok: true });
    } finally {
      await relay.stop();
    }
  });

  it("says the connection was refused on a port nothing listens on", async () => {
    const result = await testSmtpServer(login(plain, { port: await freePort() }));
    expect(result).toMatchObject({ ok: false, failure: "connectionRefused" });
  });

  it("says a server that never answers timed out", async () => {
    const port = await listen(silentServer);
    const started = Date.now();
    const result = await testSmtpServer(login(plain, { port, timeoutMs: 500 }));
    expect(result).toMatchObject({ ok: false, failure: "timeout" });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("upgrades with STARTTLS to a server whose certificate it trusts", async () => {
    const trusted = login(starttls, { security: "starttls", tls: { ca: starttls.ca! } });
    expect(await testSmtpServer(trusted)).toEqual({ ok: true });
  });

  it("refuses a self-signed certificate it was not told to trust, with STARTTLS and with TLS", async () => {
    const upgraded = await testSmtpServer(login(starttls, { security: "starttls" }));
    expect(upgraded).toMatchObject({ ok: false, failure: "tlsFailed" });
    expect(!upgraded.ok && upgraded.detail).toMatch(/certificate/i);
    const implicit = await testSmtpServer(login(implicitTls, { security: "tls" }));
    expect(implicit).toMatchObject({ ok: false, failure: "tlsFailed" });
  });

  it("speaks TLS from the first byte to a TLS port, and not to a plain one", async () => {
    expect(await testSmtpServer(login(implicitTls, { security: "tls", tls: { ca: implicitTls.ca! } }))).toEqual({ ok: true });
    expect(await testSmtpServer(login(plain, { security: "tls", tls: { ca: implicitTls.ca! } }))).toMatchObject({
      ok: false,
      failure: "tlsFailed",
    });
  });

  it("never falls back to plain text when STARTTLS is required but not offered", async () => {
    const result = await testSmtpServer(login(plain, { security: "starttls" }));
    expect(result).toMatchObject({ ok: false, failure: "tlsFailed" });
  });

  it("says a host name that does not resolve was not found", async () => {
    const result = await testSmtpServer(login(plain, { host: "smtp.postdesk.invalid" }));
    expect(result).toMatchObject({ ok: false, failure: "hostNotFound" });
  });
});
