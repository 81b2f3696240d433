import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mailboxes } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { importMails } from "../../lib/inbound/import";
import { connectAccount } from "../../lib/mailboxes/oauth-tokens";
import { openSecret } from "../../lib/secrets";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { mail } from "../setup/mail-fixtures";
import { freePort } from "../setup/daemons";

const db = await testDatabase();

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-cli-mail-"));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function mailboxFlags(divisionId: string, flags: Record<string, string> = {}): string[] {
  const all = {
    division: divisionId,
    name: "Support",
    address: "Support@Acme.test",
    protocol: "imap",
    host: "imap.acme.test",
    security: "tls",
    username: "support@acme.test",
    ...flags,
  };
  return Object.entries(all).flatMap(([name, value]) => [`--${name}`, value]);
}

describe("postdesk mailbox add and list", () => {
  it("reads the password from stdin, stores it sealed and never prints it", async () => {
    const company = await makeTenant(db, "Mailbox");
    // Trailing spaces belong to the password; only the newline `echo` adds is dropped.
    const password = `pw-${crypto.randomBytes(6).toString("hex")} two words  `;
    const add = await postdesk(["mailbox", "add", ...mailboxFlags(company.divisionId), "--password-stdin", "--json"], {
      input: `${password}\n`,
    });
    const added = json(add);
    expect(add.stdout).not.toContain(password.trim());
    expect(added).toMatchObject({
      divisionId: company.divisionId,
      address: "support@acme.test",
      protocol: "imap",
      port: 993,
      security: "tls",
      folder: "INBOX",
      active: true,
      privateMail: false,
      hasPassword: true,
      protocolLocked: false,
    });
    expect(Object.keys(added)).not.toContain("passwordEnc");
    expect(Object.keys(added)).not.toContain("password");

    const [row] = await withTenant(db, company.tenant.id, (tx) =>
      tx.select({ passwordEnc: mailboxes.passwordEnc }).from(mailboxes).where(eq(mailboxes.id, added.id)),
    );
    expect(row?.passwordEnc).toMatch(/^v1\./);
    expect(row?.passwordEnc).not.toContain(password.trim());
    expect(openSecret(row!.passwordEnc!)).toBe(password);

    const list = await postdesk(["mailbox", "list", "--division", company.divisionId, "--json"]);
    const listed = json<Record<string, unknown>[]>(list);
    expect(listed.map((m) => m.id)).toEqual([added.id]);
    expect(list.stdout).not.toContain(password.trim());
    expect(list.stdout).not.toMatch(/passwordEnc|v1\./);

    const human = await postdesk(["mailbox", "list", "--division", company.divisionId]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ID +NAME +ADDRESS +PROTOCOL +SERVER +SECURITY +ACTIVE +LAST POLL +LAST ERROR$/m);
    expect(human.stdout).toContain("imap.acme.test:993");
  });

  it("marks a mailbox's incoming mail as private with --private-mail, and mailbox show says so", async () => {
    const company = await makeTenant(db, "PrivateCli");
    const add = await postdesk(
      ["mailbox", "add", ...mailboxFlags(company.divisionId, { address: "board@acme.test" }), "--private-mail", "--password-stdin", "--json"],
      { input: "Board-Password-1\n" },
    );
    const added = json(add);
    expect(added).toMatchObject({ address: "board@acme.test", privateMail: true });
    const show = await postdesk(["mailbox", "show", "--mailbox", added.id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^private mail +yes \(out of customers' history for agents\)$/m);
  });

  it("refuses a password on the command line, a bad port and host, and a missing password, naming flags", async () => {
    const company = await makeTenant(db, "Refused");
    const secret = `argv-${crypto.randomBytes(4).toString("hex")}`;
    const onArgv = await postdesk(["mailbox", "add", ...mailboxFlags(company.divisionId), "--password", secret]);
    expect(onArgv.code).toBe(2);
    expect(onArgv.stderr).toContain("--password is not accepted");
    expect(onArgv.stderr).toContain("--password-stdin");
    expect(onArgv.stderr + onArgv.stdout).not.toContain(secret);

    const badValues = await postdesk(
      [
        "mailbox", "add",
        ...mailboxFlags(company.divisionId, { port: "70000", host: "not a host!", protocol: "pop3" }),
        "--pop3-remove-after-days", "0", "--folder", "Support", "--password-stdin",
      ],
      { input: "secret\n" },
    );
    expect(badValues.code).toBe(2);
    expect(badValues.stdout).toBe("");
    expect(badValues.stderr).toContain("--port: must be a port number between 1 and 65535");
    expect(badValues.stderr).toContain("--host: must be a host name such as imap.example.com");
    expect(badValues.stderr).toContain("--pop3-remove-after-days: must be a whole number of days between 1 and 3650");
    expect(badValues.stderr).toContain("--pop3-remove-after-days: needs --pop3-leave-copy");
    expect(badValues.stderr).toContain("--folder: is for IMAP mailboxes only");

    const noFlag = await postdesk(["mailbox", "add", ...mailboxFlags(company.divisionId)]);
    expect(noFlag.code).toBe(2);
    expect(noFlag.stderr).toContain("missing --password-stdin");

    const emptyStdin = await postdesk(
      ["mailbox", "add", ...mailboxFlags(company.divisionId, { address: "nope" }), "--password-stdin", "--json"],
      { input: "\n" },
    );
    expect(emptyStdin.code).toBe(2);
    expect(emptyStdin.stdout).toBe("");
    expect(JSON.parse(emptyStdin.stderr)).toEqual({
      error: {
        code: "invalid_input",
        message: "invalid input",
        fields: {
          "--address": ["must be an email address"],
          "--password-stdin": ["is empty: nothing was read from stdin"],
        },
      },
    });

    expect(json(await postdesk(["mailbox", "list", "--division", company.divisionId, "--json"]))).toEqual([]);
  });
});

describe("postdesk mailbox test", () => {
  /** A mailbox added with `postdesk mailbox add`, on a loopback port nothing listens on. */
  async function mailboxOnClosedPort(divisionId: string) {
    const port = await freePort();
    const added = json(
      await postdesk(
        ["mailbox", "add", ...mailboxFlags(divisionId, { host: "127.0.0.1", port: String(port), security: "none" }), "--password-stdin", "--json"],
        { input: "secret" },
      ),
    );
    return { port, added };
  }

  it("says the connection was refused, and exits 1, for a port nothing listens on", async () => {
    const company = await makeTenant(db, "Closed");
    const { port, added } = await mailboxOnClosedPort(company.divisionId);

    const asJson = await postdesk(["mailbox", "test", "--mailbox", added.id, "--json"]);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout)).toMatchObject({
      mailboxId: added.id,
      ok: false,
      failure: "connectionRefused",
      folders: null,
      messageCount: null,
    });
    expect(JSON.parse(asJson.stderr).error.code).toBe("connection_failed");

    const human = await postdesk(["mailbox", "test", "--mailbox", added.id]);
    expect(human.code).toBe(1);
    expect(human.stdout).toBe("");
    expect(human.stderr).toContain(`127.0.0.1:${port} (IMAP, none)`);
    expect(human.stderr).toContain("the connection was refused");
  });

  it("says a mailbox whose account's access was withdrawn must be connected again, without asking anyone", async () => {
    const company = await makeTenant(db, "Withdrawn");
    const { added } = await mailboxOnClosedPort(company.divisionId);
    const scope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" as const };
    const connectedAt = new Date(Date.now() - 60 * 60_000);
    await withTenant(db, company.tenant.id, async (tx) => {
      await connectAccount(tx, scope, {
        mailboxId: added.id,
        provider: "google",
        tokens: { accessToken: "ya29.gone", refreshToken: "1//gone", expiresAt: connectedAt },
        account: "ada@withdrawn.test",
        now: connectedAt,
      });
      // The provider refused the grant after it was connected.
      await tx
        .update(mailboxes)
        .set({ connectionState: "needsReconnect", lastErrorCode: "oauthRevoked", lastErrorAt: new Date(), failureCount: 1 })
        .where(eq(mailboxes.id, added.id));
    });

    const run = await postdesk(["mailbox", "test", "--mailbox", added.id, "--json"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, failure: "oauthRevoked" });
    const human = await postdesk(["mailbox", "test", "--mailbox", added.id]);
    expect(human.stderr).toContain("connect the account again on the mailbox's page");
    // Nothing was tried: neither the provider (no Google client is even configured) nor the server.
    expect(human.stderr).not.toContain("refused");
  });

  it("says a mailbox that does not exist is not found", async () => {
    for (const id of [crypto.randomUUID(), "not-a-uuid"]) {
      const run = await postdesk(["mailbox", "test", "--mailbox", id]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("mailbox not found");
    }
  });
});

describe("postdesk import, report and ticket", () => {
  /** A reply from the same customer naming ticket 1 by its tag only, with a small attachment. */
  /** Jan's reply to ticket 1; with `inReplyTo`, also to his first mail by its Message-ID. */
  function replyWithAttachment(tag: string, inReplyTo?: string): Buffer {
    const boundary = "b-1";
    return Buffer.from(
      [
        "From: Jan Kowalski <jan@customer.test>",
        "To: support@acme.test",
        `Subject: Re: [${tag}#1] Printer on fire`,
        "Date: Mon, 23 Nov 2026 11:00:00 +0100",
        `Message-ID: <${crypto.randomUUID()}@customer.test>`,
        ...(inReplyTo ? [`In-Reply-To: <${inReplyTo}>`] : []),
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        "",
        `--${boundary}`,
        "Content-Type: text/plain; charset=utf-8",
        "",
        "It is still smoking. Notes attached.",
        `--${boundary}`,
        'Content-Type: text/plain; name="notes.txt"',
        'Content-Disposition: attachment; filename="notes.txt"',
        "",
        "smoke, then flames",
        `--${boundary}--`,
        "",
      ].join("\r\n"),
    );
  }

  function mbox(...mails: Buffer[]): Buffer {
    return Buffer.concat(
      mails.flatMap((raw) => [Buffer.from("From MAILER-DAEMON Mon Nov 23 10:00:00 2026\n"), raw, Buffer.from("\n")]),
    );
  }

  /**
   * In a temp folder: exported/ with three .eml files (a new mail, its reply naming [IMP#1] only,
   * one from a spam domain) and archive.mbox with two more mails, one from a highlighted domain.
   */
  /**
   * Jan's mail, his reply and spam in a folder; Anna's and Piotr's in an mbox. With `replyByHeader`,
   * the reply names Jan's first mail in In-Reply-To too: imported together with the mbox, Jan's
   * first mail need not be ticket 1 (mails of different senders are written side by side and take
   * numbers as they commit), and only the header then finds it.
   */
  function writeMails({ replyByHeader = false } = {}) {
    const dir = tempDir();
    const folder = path.join(dir, "exported");
    fs.mkdirSync(folder);
    const firstId = `${crypto.randomUUID()}@customer.test`;
    fs.writeFileSync(path.join(folder, "1-new.eml"), mail({ subject: "Printer on fire", messageId: firstId }));
    fs.writeFileSync(path.join(folder, "2-reply.eml"), replyWithAttachment("IMP", replyByHeader ? firstId : undefined));
    const spam = mail({ from: "Offers <offers@spam.test>", subject: "Cheap toner" });
    fs.writeFileSync(path.join(folder, "3-spam.eml"), spam);
    const mboxFile = path.join(dir, "archive.mbox");
    fs.writeFileSync(
      mboxFile,
      mbox(
        mail({ from: "Anna <anna@customer.test>", subject: "Invoice question" }),
        mail({ from: "Piotr <piotr@klient.test>", subject: "Delivery is late" }),
      ),
    );
    return { dir, folder, mboxFile };
  }

  const settings = { tag: "IMP", spamDomains: ["spam.test"], highlightDomains: ["klient.test"] };

  it("imports a folder of .eml files and an mbox, a second time creates nothing, and the report adds up", async () => {
    const company = await makeTenant(db, "Importer");
    const division = company.divisionId;
    json(
      await postdesk([
        "division", "set", "--division", division, "--tag", settings.tag, "--spam-domains", "spam.test",
        "--highlight-domains", "klient.test", "--json",
      ]),
    );
    const { dir, folder, mboxFile } = writeMails({ replyByHeader: true });

    const outcomes = { ticket_created: 3, ticket_message: 1, blocked: 1 };
    const first = json(await postdesk(["import", "--division", division, folder, mboxFile, "--json"]));
    expect(first).toEqual({ total: 5, imported: 5, alreadyImported: 0, outcomes });

    // Paths are relative to where the command is typed, and may come before the options.
    const again = await postdesk(["import", "exported", "archive.mbox", "--division", division], { cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Imported 5 mails in [\d.]+ s: 0 new, 5 imported before\.$/m);
    expect(again.stdout).toMatch(/^ {2}new ticket +3$/m);
    expect(again.stdout).toMatch(/^ {2}added to a ticket +1$/m);
    expect(again.stdout).toMatch(/^ {2}blocked \(spam sender\) +1$/m);

    const report = json(await postdesk(["report", "--division", division, "--json"]));
    expect(report).toMatchObject({
      division: { id: division, tag: "IMP" },
      inbound: outcomes,
      inboundTotal: 5,
      tickets: 3,
      messages: 4,
      waiting: 0,
    });
    const counted = Object.values(report.inbound as Record<string, number>).reduce((sum, n) => sum + n, 0);
    expect(counted).toBe(report.inboundTotal);
  });

  it("lists the tickets, and shows the reply threaded on ticket 1 by its tag, with its attachment", async () => {
    const company = await makeTenant(db, "Tickets");
    const division = company.divisionId;
    const scope = operatorScope(company.tenant.id);
    await withTenant(db, company.tenant.id, (tx) => updateDivisionSettings(tx, scope, division, settings));
    const { folder, mboxFile } = writeMails();
    // The folder first, so that "Printer on fire" is ticket 1, as its reply's [IMP#1] says. Mails of
    // one batch from different senders are written side by side (processStoredEmails), so Anna's
    // and Piotr's take numbers 2 and 3 in whichever order they commit.
    await importMails(db, { tenantId: company.tenant.id, divisionId: division, paths: [folder] });
    await importMails(db, { tenantId: company.tenant.id, divisionId: division, paths: [mboxFile] });

    const list = await postdesk(["ticket", "list", "--division", division, "--json"]);
    const { pinned, rows: tickets, next } = json<{ pinned: unknown[]; rows: Record<string, unknown>[]; next: string | null }>(list);
    expect([pinned, next]).toEqual([[], null]);
    expect(tickets.map((t) => t.divisionTag)).toEqual(["IMP", "IMP", "IMP"]);
    const bySubject = tickets.toSorted((a, b) => String(a.subject).localeCompare(String(b.subject)));
    expect(bySubject.map((t) => [t.subject, t.status, t.contactEmail, t.messageCount, t.highlighted])).toEqual([
      ["Delivery is late", "open", "piotr@klient.test", 1, true],
      ["Invoice question", "open", "anna@customer.test", 1, false],
      ["Printer on fire", "open", "jan@customer.test", 2, false],
    ]);
    expect(bySubject[2]?.number).toBe(1);
    const onHold = await postdesk(["ticket", "list", "--division", division, "--status", "on-hold", "--json"]);
    expect(json(onHold)).toEqual({ pinned: [], rows: [], next: null });

    const shown = json(await postdesk(["ticket", "show", "--division", division, "--number", "1", "--json"]));
    expect(shown).toMatchObject({ number: 1, subject: "Printer on fire", contact: { email: "jan@customer.test" } });
    expect(shown.messages).toHaveLength(2);
    expect(shown.messages[0]).toMatchObject({ direction: "inbound", threadReason: "new", attachments: [] });
    expect(shown.messages[1]).toMatchObject({
      direction: "inbound",
      from: { address: "jan@customer.test", name: "Jan Kowalski" },
      subject: "Re: [IMP#1] Printer on fire",
      threadReason: "tag",
      attachments: ["notes.txt"],
    });
    expect(shown.messages[1].text).toContain("It is still smoking.");

    const human = await postdesk(["ticket", "show", "--division", division, "--number", "1"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^\[IMP#1\] Printer on fire$/m);
    expect(human.stdout).toMatch(/^threaded +the ticket's \[TAG#number\] in the subject$/m);
    expect(human.stdout).toMatch(/^attachments +notes\.txt$/m);
    // Four `postdesk` processes, each starting Node and opening the database: 10 to 20 s on two
    // busy cores, more while the browser tests run beside it.
  }, 60_000);

  it("names a path that does not exist, before it opens the database", async () => {
    const nowhere = { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" };
    const dir = tempDir();
    const run = await postdesk(["import", "--division", crypto.randomUUID(), dir, "missing.mbox"], {
      env: nowhere,
      cwd: dir,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no such file or folder: missing.mbox");
    expect(run.stderr).not.toContain(dir);
  });

  it("refuses a status or number that is not one, naming the option", async () => {
    const company = await makeTenant(db, "Statuses");
    const status = await postdesk(["ticket", "list", "--division", company.divisionId, "--status", "done"]);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain("--status: must be one of: open, answered, on-hold, closed");
    const number = await postdesk(["ticket", "show", "--division", company.divisionId, "--number", "x", "--json"]);
    expect(number.code).toBe(2);
    expect(Object.keys(JSON.parse(number.stderr).error.fields)).toEqual(["--number"]);
    const missing = await postdesk(["ticket", "show", "--division", company.divisionId, "--number", "7"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("ticket not found");
  });
});

describe("postdesk mailbox test and poll, against Dovecot", () => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(() => dovecot?.stop());

  it("mailbox test lists the server's folders, and fails when the mailbox's folder is not among them", async () => {
    const company = await makeTenant(db, "Tester");
    const user = `test-${crypto.randomBytes(4).toString("hex")}`;
    await dovecot.addUser(user, "Mail-Password-2");
    const login = dovecot.login(user, "imap", "none");
    const add = (folder: string) =>
      postdesk(
        [
          "mailbox", "add",
          ...mailboxFlags(company.divisionId, {
            host: login.host, port: String(login.port), security: "none", username: user, folder,
          }),
          "--password-stdin", "--json",
        ],
        { input: login.password },
      );
    const inbox = json(await add("INBOX"));
    const tested = json(await postdesk(["mailbox", "test", "--mailbox", inbox.id, "--json"]));
    expect(tested).toMatchObject({ mailboxId: inbox.id, ok: true, failure: null, detail: null, messageCount: null });
    expect(tested.folders).toContain("INBOX");

    const archive = json(await add("Archive"));
    const missing = await postdesk(["mailbox", "test", "--mailbox", archive.id]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/^Connected to .* and logged in as test-/m);
    expect(missing.stdout).toMatch(/^ {2}INBOX$/m);
    expect(missing.stderr).toContain('the folder was not found on the server (the mailbox fetches from "Archive"');
  });

  it("polls a division's mailboxes one by one, reports each, and exits 1 when one failed", async () => {
    const company = await makeTenant(db, "Poller");
    const user = `desk-${crypto.randomBytes(4).toString("hex")}`;
    await dovecot.addUser(user, "Mail-Password-1");
    const login = dovecot.login(user, "imap", "none");
    await dovecot.deliver(user, mail({ subject: "Cannot log in" }));
    await dovecot.deliver(user, mail({ from: "Eva <eva@customer.test>", subject: "Refund" }));
    const add = (flags: Record<string, string>) =>
      postdesk(
        [
          "mailbox", "add", ...mailboxFlags(company.divisionId, { security: "none", ...flags }),
          "--password-stdin", "--json",
        ],
        { input: login.password },
      );
    const working = json(
      await add({
        name: "Desk", host: login.host, port: String(login.port), username: user, "processed-folder": "Done",
      }),
    );
    const broken = json(await add({ name: "Old", host: "127.0.0.1", port: String(await freePort()) }));

    const run = await postdesk(["poll", "--division", company.divisionId, "--json"]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr).error).toMatchObject({
      code: "poll_failed",
      message: expect.stringContaining("1 of 2 mailboxes failed"),
    });
    const results = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(results).toEqual([
      expect.objectContaining({
        mailboxId: working.id,
        ok: true,
        fetched: 2,
        stored: 2,
        acknowledged: 2,
        outcomes: { ticket_created: 2 },
      }),
      expect.objectContaining({ mailboxId: broken.id, ok: false, failure: "connectionRefused" }),
    ]);
    expect((await dovecot.listFolder(user, "Done")).length).toBe(2);

    const human = await postdesk(["poll", "--mailbox", working.id]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/: fetched 0, stored 0, acknowledged 0$/m);

    const listed = json<Record<string, unknown>[]>(
      await postdesk(["mailbox", "list", "--division", company.divisionId, "--json"]),
    );
    expect(listed.find((m) => m.id === broken.id)).toMatchObject({
      lastErrorCode: "connectionRefused",
      failureCount: 1,
    });
  });

});

describe("postdesk poll", () => {
  it("asks which mailboxes when given none, or more than one choice", async () => {
    const none = await postdesk(["poll"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--mailbox ID, --division ID or --all");
    const two = await postdesk(["poll", "--all", "--division", crypto.randomUUID()]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("give only one of --division, --all");
  });
});

describe("postdesk --help for the mail commands", () => {
  it("explains each of them without opening a database", async () => {
    const nowhere = { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" };
    const commands = [["mailbox"], ["mailbox", "add"], ["import"], ["poll"], ["ticket", "show"]];
    const runs = await Promise.all(commands.map((words) => postdesk([...words, "--help"], { env: nowhere })));
    for (const run of runs) expect(run.code).toBe(0);
    expect(runs[0]!.stdout).toContain("mailbox test");
    expect(runs[1]!.stdout).toMatch(/^Usage: postdesk mailbox add --division ID .* --password-stdin \[options\]$/m);
    expect(runs[2]!.stdout).toMatch(/^Usage: postdesk import --division ID \[options\] PATH…$/m);
    expect(runs[3]!.stdout).toContain("Exits 1 when any mailbox failed.");
  });
});
