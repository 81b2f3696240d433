import type { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MailConnectionError } from "@/lib/mail/connection-error";
import {
  connectImap,
  deleteMessages,
  ensureFolder,
  fetchNewMessages,
  listFolders,
  moveMessages,
} from "@/lib/mail/imap";
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

const neverPolled = { uidValidity: null, lastUid: null };

/** Runs the test body with a logged-in client and always logs out. */
async function withClient<T>(user: string, work: (client: ImapFlow) => Promise<T>, security: MailSecurity = "tls") {
  const client = await connectImap(dovecot.login(user, "imap", security));
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

describe("connectImap", () => {
  it.each([
    ["tls", true],
    ["starttls", true],
    ["none", false],
  ] as const)("logs in with security %s (encrypted: %s) and lists the folders", async (security, encrypted) => {
    const user = await newUser(dovecot);
    await dovecot.createFolder(user, "Processed");
    await withClient(
      user,
      async (client) => {
        expect(client.secureConnection).toBe(encrypted);
        const folders = await listFolders(client);
        expect(folders.map((folder) => folder.path).sort()).toEqual(["INBOX", "Processed"]);
        expect(folders.find((folder) => folder.path === "INBOX")?.specialUse).toBe("\\Inbox");
      },
      security,
    );
  });
});

describe("fetchNewMessages", () => {
  it("returns only the mail that arrived since the last poll", async () => {
    const user = await newUser(dovecot);

    await withClient(user, async (client) => {
      const empty = await fetchNewMessages(client, "INBOX", neverPolled, { limit: 50 });
      expect(empty.messages).toEqual([]);

      for (const n of [1, 2, 3]) await dovecot.deliver(user, plainMail(`first ${n}`));
      const first = await fetchNewMessages(client, "INBOX", neverPolled, { limit: 50 });
      expect(first.messages.map((message) => message.uid)).toEqual([1, 2, 3]);
      expect(first.hasMore).toBe(false);
      expect(first.uidNext).toBe(4);

      for (const n of [4, 5]) await dovecot.deliver(user, plainMail(`second ${n}`));
      const since = { uidValidity: first.uidValidity, lastUid: 3 };
      const second = await fetchNewMessages(client, "INBOX", since, { limit: 50 });
      expect(second.uidValidity).toBe(first.uidValidity);
      expect(second.messages.map((message) => message.uid)).toEqual([4, 5]);
      expect(second.messages[0]!.raw.toString()).toContain("Subject: second 4");

      // Nothing new: "6:*" still names UID 5, the highest; it must not come back.
      const third = await fetchNewMessages(client, "INBOX", { uidValidity: first.uidValidity, lastUid: 5 }, { limit: 50 });
      expect(third.messages).toEqual([]);
    });
  });

  it("drains a backlog over several polls, lowest UID first, at most the limit each time", async () => {
    const user = await newUser(dovecot);
    for (let n = 1; n <= 7; n++) await dovecot.deliver(user, plainMail(`backlog ${n}`));

    await withClient(user, async (client) => {
      const batches: number[][] = [];
      let since: { uidValidity: number | null; lastUid: number | null } = neverPolled;
      for (let poll = 0; poll < 5; poll++) {
        const result = await fetchNewMessages(client, "INBOX", since, { limit: 3 });
        batches.push(result.messages.map((message) => message.uid));
        if (!result.hasMore) break;
        since = { uidValidity: result.uidValidity, lastUid: result.messages.at(-1)!.uid };
      }
      expect(batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    });
  });

  it("returns everything under the new UIDVALIDITY when the folder's UIDVALIDITY changed", async () => {
    const user = await newUser(dovecot);
    for (const n of [1, 2]) await dovecot.deliver(user, plainMail(`before ${n}`));
    const before = await withClient(user, (client) => fetchNewMessages(client, "INBOX", neverPolled, { limit: 50 }));

    await dovecot.setUidValidity(user, "INBOX", before.uidValidity + 1000);
    await dovecot.deliver(user, plainMail("after"));

    const after = await withClient(user, (client) =>
      fetchNewMessages(client, "INBOX", { uidValidity: before.uidValidity, lastUid: 2 }, { limit: 50 }),
    );
    expect(after.uidValidity).toBe(before.uidValidity + 1000);
    expect(after.messages.map((message) => message.raw.toString().match(/Subject: (.*)/)?.[1])).toEqual([
      "before 1",
      "before 2",
      "after",
    ]);
  });

  it("gives the raw bytes exactly as delivered: 8-bit windows-1250 and lines starting with a dot", async () => {
    const user = await newUser(dovecot);
    const polish = windows1250Mail();
    const dotted = dottedMail();
    await dovecot.deliver(user, polish);
    await dovecot.deliver(user, dotted);

    const result = await withClient(user, (client) => fetchNewMessages(client, "INBOX", neverPolled, { limit: 50 }));
    expect(result.messages).toHaveLength(2);
    expect(result.messages[0]!.raw.equals(polish)).toBe(true);
    expect(result.messages[0]!.size).toBe(polish.length);
    expect(result.messages[1]!.raw.equals(dotted)).toBe(true);
  });

  it("reports a missing folder as folderNotFound", async () => {
    const user = await newUser(dovecot);
    const error = await withClient(user, (client) =>
      fetchNewMessages(client, "No such folder", neverPolled, { limit: 50 }).catch((caught: unknown) => caught),
    );
    expect(error).toBeInstanceOf(MailConnectionError);
    expect((error as MailConnectionError).failure).toBe("folderNotFound");
  });
});

describe("moveMessages and deleteMessages", () => {
  it("moves processed mail into a folder that ensureFolder created", async () => {
    const user = await newUser(dovecot);
    const mails = [plainMail("one"), plainMail("two"), plainMail("three")];
    for (const mail of mails) await dovecot.deliver(user, mail);

    await withClient(user, async (client) => {
      await ensureFolder(client, "Processed");
      await ensureFolder(client, "Processed"); // a second call finds it and does nothing
      await moveMessages(client, "INBOX", [1, 3], "Processed");
    });

    const processed = await dovecot.listFolder(user, "Processed");
    expect(processed.map((mail) => mail.raw)).toEqual([mails[0], mails[2]]);
    const inbox = await dovecot.listFolder(user, "INBOX");
    expect(inbox.map((mail) => mail.uid)).toEqual([2]);
  });

  it("refuses to move into a folder that does not exist", async () => {
    const user = await newUser(dovecot);
    await dovecot.deliver(user, plainMail("one"));
    const error = await withClient(user, (client) =>
      moveMessages(client, "INBOX", [1], "Missing").catch((caught: unknown) => caught),
    );
    expect((error as MailConnectionError).failure).toBe("folderNotFound");
    expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(1);
  });

  it("deletes only the given UIDs", async () => {
    const user = await newUser(dovecot);
    for (const n of [1, 2, 3]) await dovecot.deliver(user, plainMail(`mail ${n}`));
    await withClient(user, (client) => deleteMessages(client, "INBOX", [2]));
    expect((await dovecot.listFolder(user, "INBOX")).map((mail) => mail.uid)).toEqual([1, 3]);
  });
});
