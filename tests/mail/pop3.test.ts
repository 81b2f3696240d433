import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectPop3, type Pop3Session } from "@/lib/mail/pop3";
import type { MailSecurity } from "@/lib/mail/types";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { dottedMail, newUser, plainMail, windows1250Mail } from "./sample-mail";

let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
});

afterAll(async () => {
  await dovecot?.stop();
});

function connect(user: string, security: MailSecurity = "tls"): Promise<Pop3Session> {
  return connectPop3(dovecot.login(user, "pop3", security));
}

/** What the maildrop holds, seen from a new session. */
async function uidls(user: string): Promise<string[]> {
  const session = await connect(user);
  try {
    return (await session.uidl()).map((entry) => entry.uidl);
  } finally {
    await session.quit();
  }
}

describe("connectPop3", () => {
  it.each(["tls", "starttls", "none"] as const)("logs in with security %s and counts the mail", async (security) => {
    const user = await newUser(dovecot);
    await dovecot.deliver(user, plainMail("one"));
    await dovecot.deliver(user, plainMail("two"));
    const session = await connect(user, security);
    expect(await session.stat()).toEqual({ count: 2, size: expect.any(Number) });
    await session.quit();
  });
});

describe("a POP3 session", () => {
  it("lists UIDLs that stay the same across sessions, and sizes", async () => {
    const user = await newUser(dovecot);
    const mails = [plainMail("one"), plainMail("two")];
    for (const mail of mails) await dovecot.deliver(user, mail);

    const session = await connect(user);
    const first = await session.uidl();
    expect(first.map((entry) => entry.number)).toEqual([1, 2]);
    expect(new Set(first.map((entry) => entry.uidl)).size).toBe(2);
    expect(await session.list()).toEqual([
      { number: 1, size: mails[0]!.length },
      { number: 2, size: mails[1]!.length },
    ]);
    await session.quit();

    expect(await uidls(user)).toEqual(first.map((entry) => entry.uidl));
  });

  it("retrieves the exact bytes: 8-bit windows-1250, dot-stuffed lines and a large mail", async () => {
    const user = await newUser(dovecot);
    // Large enough to arrive in many chunks, with dot lines all through it.
    const large = Buffer.concat([plainMail("large", ""), Buffer.from(".line\r\n..\r\n.\r\nplain text line\r\n".repeat(20_000))]);
    const mails = [windows1250Mail(), dottedMail(), large];
    for (const mail of mails) await dovecot.deliver(user, mail);

    const session = await connect(user);
    for (const [index, mail] of mails.entries()) {
      const raw = await session.retr(index + 1);
      expect(raw.length).toBe(mail.length);
      expect(raw.equals(mail)).toBe(true);
    }
    await session.quit();
  });

  it("deletes only when the session ends with QUIT", async () => {
    const user = await newUser(dovecot);
    for (const n of [1, 2, 3]) await dovecot.deliver(user, plainMail(`mail ${n}`));
    const all = await uidls(user);

    const dropped = await connect(user);
    await dropped.dele(1);
    dropped.close();
    expect(await uidls(user)).toEqual(all);

    const reset = await connect(user);
    await reset.dele(1);
    await reset.rset();
    await reset.quit();
    expect(await uidls(user)).toEqual(all);

    const committed = await connect(user);
    await committed.dele(1);
    await committed.dele(3);
    expect((await committed.uidl()).map((entry) => entry.number)).toEqual([2]);
    await committed.quit();
    expect(await uidls(user)).toEqual([all[1]]);
  });

  it("reports a command the server refuses, and refuses commands after the session ended", async () => {
    const user = await newUser(dovecot);
    await dovecot.deliver(user, plainMail("one"));
    const session = await connect(user);
    await expect(session.retr(5)).rejects.toMatchObject({ failure: "protocolError", detail: expect.stringContaining("RETR") });
    expect((await session.retr(1)).length).toBeGreaterThan(0);
    await session.quit();
    await expect(session.stat()).rejects.toMatchObject({ failure: "protocolError" });
  });
});
