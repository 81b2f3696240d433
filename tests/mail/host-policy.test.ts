import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectImap, watchFolder } from "../../lib/mail/imap";
import { testMailServer } from "../../lib/mail/mail-server-test";
import { connectPop3 } from "../../lib/mail/pop3";
import { testSmtpServer } from "../../lib/mail/smtp-test";
import type { MailServerLogin } from "../../lib/mail/types";
import { type RecordingServer, recordingServer } from "../setup/listener";

/**
 * Every way Postdesk reaches a tenant's mail server (IMAP, its IDLE watch, POP3, SMTP) goes through
 * the host policy: without POSTDESK_MAIL_HOSTS_ALLOW, loopback is refused before a connection is
 * made. Only loopback is used: a listener there counts what reaches it.
 */

const allowedInTests = process.env.POSTDESK_MAIL_HOSTS_ALLOW;
let listener: RecordingServer;

beforeAll(async () => {
  listener = await recordingServer();
});
afterAll(() => listener?.close());
afterEach(() => {
  process.env.POSTDESK_MAIL_HOSTS_ALLOW = allowedInTests;
});

function login(host: string): MailServerLogin {
  return { host, port: listener.port, security: "none", username: "probe", password: "probe-secret", timeoutMs: 1_000 };
}

const refused = { failure: "addressRefused" };

describe("connecting to a tenant's mail server", () => {
  it("refuses loopback by address and by name on every protocol, and connects to nothing", async () => {
    process.env.POSTDESK_MAIL_HOSTS_ALLOW = "";
    for (const host of ["127.0.0.1", "localhost", "::ffff:127.0.0.1"]) {
      await expect(connectImap(login(host))).rejects.toMatchObject(refused);
      await expect(watchFolder(login(host), "INBOX", () => {})).rejects.toMatchObject(refused);
      await expect(connectPop3(login(host))).rejects.toMatchObject(refused);
      expect(await testMailServer("imap", login(host))).toMatchObject({ ok: false, ...refused });
      const { host: smtpHost, port, security, timeoutMs } = login(host);
      expect(await testSmtpServer({ host: smtpHost, port, security, timeoutMs, auth: { username: "probe", password: "probe-secret" } })).toMatchObject({
        ok: false,
        ...refused,
      });
    }
    expect(listener.connections()).toBe(0);
  });

  it("connects where the allowlist says, by address and by name", async () => {
    process.env.POSTDESK_MAIL_HOSTS_ALLOW = "127.0.0.0/8";
    const before = listener.connections();
    // The listener never greets: the attempt times out, after it connected.
    expect(await testMailServer("pop3", login("127.0.0.1"))).toMatchObject({ ok: false, failure: "timeout" });
    expect(await testMailServer("imap", login("localhost"))).toMatchObject({ ok: false, failure: "timeout" });
    expect(listener.connections()).toBe(before + 2);
  });
});
