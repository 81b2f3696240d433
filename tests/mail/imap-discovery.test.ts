import type { ImapFlow } from "imapflow";
import { afterEach, describe, expect, it } from "vitest";
import { MailConnectionError } from "@/lib/mail/connection-error";
import { connectImap, fetchNewMessages } from "@/lib/mail/imap";
import { type ScriptedImap, type ScriptedImapOptions, startScriptedImap } from "@/tests/setup/scripted-imap";

const login = { user: "desk@example.test", pass: "deskpass" };

function mail(uid: number): { uid: number; raw: string } {
  return {
    uid,
    raw: [
      `From: customer${uid}@example.test`,
      "To: desk@example.test",
      `Subject: Order ${uid}`,
      `Message-ID: <m${uid}@example.test>`,
      "",
      `Hello ${uid}`,
      "",
    ].join("\r\n"),
  };
}

const opened: { server: ScriptedImap; client: ImapFlow }[] = [];

afterEach(async () => {
  for (const { server, client } of opened.splice(0)) {
    await client.logout().catch(() => client.close());
    await server.close();
  }
});

async function scripted(options: Omit<ScriptedImapOptions, "user" | "pass">) {
  const server = await startScriptedImap({ ...login, ...options });
  const client = await connectImap({
    host: server.host,
    port: server.port,
    security: "none",
    username: login.user,
    password: login.pass,
    timeoutMs: 5_000,
  });
  opened.push({ server, client });
  return { server, client };
}

const neverPolled = { uidValidity: null, lastUid: null };

describe("finding new mail on servers whose search hides it", () => {
  it("finds every mail of a folder whose UID SEARCH answers nothing (GNU Mailutils imap4d 3.15)", async () => {
    const { server, client } = await scripted({ mails: [mail(1), mail(2), mail(3)], hide: { search: true } });
    const result = await fetchNewMessages(client, "INBOX", neverPolled, { limit: 10 });
    expect(result.messages.map((message) => message.uid)).toEqual([1, 2, 3]);
    expect(result.messages[2]!.raw.toString("latin1")).toBe(mail(3).raw);
    expect(result).toMatchObject({ uidValidity: 1, uidNext: 4, hasMore: false });
    expect(server.commands.some((line) => / SEARCH /i.test(line))).toBe(false);
  });

  it("takes only the mail above the last UID seen, lowest first, at most the limit", async () => {
    const { client } = await scripted({ mails: [mail(1), mail(2), mail(3), mail(4)], hide: { search: true } });
    const result = await fetchNewMessages(client, "INBOX", { uidValidity: 1, lastUid: 1 }, { limit: 2 });
    expect(result.messages.map((message) => message.uid)).toEqual([2, 3]);
    expect(result.hasMore).toBe(true);
  });

  it("reports nothing new when the only UID listed is the last one seen", async () => {
    const { client } = await scripted({ mails: [mail(1), mail(2)] });
    const result = await fetchNewMessages(client, "INBOX", { uidValidity: 1, lastUid: 2 }, { limit: 10 });
    expect(result).toMatchObject({ messages: [], hasMore: false, uidNext: 3 });
  });

  it("lists the whole folder by message number when UID FETCH hides the new mail", async () => {
    const { server, client } = await scripted({
      mails: [mail(1), mail(2), mail(3)],
      hide: { search: true, uidFetchToEnd: true },
    });
    const result = await fetchNewMessages(client, "INBOX", { uidValidity: 1, lastUid: 1 }, { limit: 10 });
    expect(result.messages.map((message) => message.uid)).toEqual([2, 3]);
    expect(server.commands.some((line) => /^\S+ FETCH 1:\* \(?UID( RFC822\.SIZE)?\)?$/i.test(line))).toBe(true);
  });

  it("fails the poll as mailHidden when the server lists mail but withholds its content", async () => {
    const { client } = await scripted({ mails: [mail(1), mail(2), mail(3)], hide: { content: true } });
    const failure = await fetchNewMessages(client, "INBOX", { uidValidity: 1, lastUid: 1 }, { limit: 10 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({
      failure: "mailHidden",
      detail: "The server lists messages 2:3 in INBOX but did not return their content",
    });
  });

  it("fails the poll as mailHidden when the server lists fewer messages than the folder holds", async () => {
    const { client } = await scripted({
      mails: [mail(1), mail(2), mail(3)],
      hide: { search: true, uidFetchToEnd: true, fetch: true },
    });
    const failure = await fetchNewMessages(client, "INBOX", neverPolled, { limit: 10 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MailConnectionError);
    expect(failure).toMatchObject({
      failure: "mailHidden",
      detail: "The server lists 3 messages in INBOX but returned only 0",
    });
  });
});
