import { count, eq, ne } from "drizzle-orm";
import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxes, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { pollMailbox } from "../../lib/dispatch/poll";
import { divisionDispatchStatus } from "../../lib/dispatch/status";
import { startWorker } from "../../lib/dispatch/worker";
import { connectImap, moveMessages } from "../../lib/mail/imap";
import { corpusMails, readCorpus } from "../setup/corpus";
import { ownDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { type Mailutils, startMailutils } from "../setup/mailutils";
import { drainMailbox, expectEachMailOnce, ledger, mailboxOnServer, trustMailServer } from "../setup/poll-fixtures";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { until } from "../setup/until";
import { newUser, plainMail } from "./sample-mail";

/**
 * The inbound flow against a second real server, GNU Mailutils 3.15 (imap4d, pop3d), which differs
 * from Dovecot where it matters: its UID SEARCH answers nothing over a full folder, it announces
 * neither MOVE nor UIDPLUS, and its pop3d adds an X-UIDL header to every mail it serves.
 */

// Of its own: the worker test below polls every mailbox in the database it is given.
const { db } = await ownDatabase();
let mailutils: Mailutils;

beforeAll(async () => {
  mailutils = await startMailutils();
  trustMailServer(mailutils);
}, 60_000);
afterAll(() => mailutils?.stop(), 30_000);

/** Sixty real mails from the shared corpus: lists, bounces, broken MIME, Polish, HTML. */
function sixtyCorpusMails(): Buffer[] {
  const mails = corpusMails()
    .filter((entry) => entry.size < 900_000)
    .slice(0, 60)
    .map((entry) => readCorpus(entry.path));
  expect(mails).toHaveLength(60);
  return mails;
}

/** A mail program of a colleague's, logged in to the same mailbox beside Postdesk. */
async function asOtherClient<T>(user: string, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const login = mailutils.login(user, "imap", "tls");
  const client = new ImapFlow({
    host: login.host,
    port: login.port,
    secure: true,
    tls: { ca: mailutils.ca },
    auth: { user, pass: login.password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on("error", () => {});
  await client.connect();
  try {
    const lock = await client.getMailboxLock("INBOX");
    try {
      return await work(client);
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}

const subjects = (mails: { raw: Buffer }[]) => mails.map((m) => /^Subject: (.*)$/m.exec(m.raw.toString())?.[1]?.trim());

async function ticketCount(tenantId: string) {
  const [row] = await withTenant(db, tenantId, (tx) => tx.select({ n: count() }).from(tickets).where(eq(tickets.tenantId, tenantId)));
  return row!.n;
}

describe("the test Mailutils", () => {
  it("announces IDLE but neither MOVE nor UIDPLUS, which is what the move tests below rely on", async () => {
    const user = await newUser(mailutils);
    const client = await connectImap(mailutils.login(user, "imap", "starttls"));
    try {
      expect(client.capabilities.has("IDLE")).toBe(true);
      expect(client.capabilities.has("MOVE")).toBe(false);
      expect(client.capabilities.has("UIDPLUS")).toBe(false);
    } finally {
      await client.logout();
    }
  });
});

describe("moving mail on a server without MOVE or UIDPLUS", () => {
  it("copies the mail and expunges only our UIDs when nothing else is marked deleted", async () => {
    const user = await newUser(mailutils);
    for (const n of [1, 2, 3]) await mailutils.deliver(user, plainMail(`mail ${n}`));
    const client = await connectImap(mailutils.login(user, "imap", "tls"));
    try {
      await client.mailboxCreate("Processed");
      expect(await moveMessages(client, "INBOX", [1, 3], "Processed")).toBe("removed");
    } finally {
      await client.logout();
    }
    expect(subjects(await mailutils.listFolder(user, "Processed"))).toEqual(["mail 1", "mail 3"]);
    expect(subjects(await mailutils.listFolder(user, "INBOX"))).toEqual(["mail 2"]);
  });

  it("leaves our mail marked deleted rather than expunge a colleague's deleted mail with it", async () => {
    const user = await newUser(mailutils);
    for (const n of [1, 2, 3]) await mailutils.deliver(user, plainMail(`mail ${n}`));
    // A colleague deleted mail 2 in a mail program that expunges later (or never).
    await asOtherClient(user, (client) => client.messageFlagsAdd("2", ["\\Deleted"], { uid: true }));
    const client = await connectImap(mailutils.login(user, "imap", "tls"));
    try {
      await client.mailboxCreate("Processed");
      expect(await moveMessages(client, "INBOX", [1], "Processed")).toBe("leftFlagged");
    } finally {
      await client.logout();
    }
    expect(subjects(await mailutils.listFolder(user, "Processed"))).toEqual(["mail 1"]);
    const inbox = await asOtherClient(user, (client) => client.fetchAll("1:*", { uid: true, flags: true }));
    expect(inbox.map((m) => [m.uid, m.flags?.has("\\Deleted")])).toEqual([[1, true], [2, true], [3, false]]);
  });
});

describe("polling an IMAP mailbox on GNU Mailutils", () => {
  it(
    "60 real mails get 60 outcomes, the INBOX drains into Processed and Unprocessed, and more polls change nothing",
    async () => {
      const { company, user, mailbox } = await mailboxOnServer(db, mailutils, {
        protocol: "imap",
        processedFolder: "Processed",
        unprocessedFolder: "Unprocessed",
      });
      for (const raw of sixtyCorpusMails()) await mailutils.deliver(user, raw);
      // Beside them, two too large for the division (1 MB): they go to Unprocessed.
      for (const n of [1, 2]) await mailutils.deliver(user, mail({ subject: `Huge ${n}`, body: "x".repeat(1_100_000) }));
      expect(await mailutils.countFolder(user, "INBOX")).toBe(62);

      await drainMailbox(db, company.tenant.id, mailbox.id);
      const rows = await expectEachMailOnce(db, company.tenant.id, mailbox.id, 62);
      const unprocessed = rows.filter((r) => r.outcome === "unprocessed").length;
      expect(unprocessed).toBe(2);
      const folders = async () => ({
        inbox: await mailutils.countFolder(user, "INBOX"),
        processed: await mailutils.countFolder(user, "Processed"),
        unprocessed: await mailutils.countFolder(user, "Unprocessed"),
      });
      const after = await folders();
      expect(after).toEqual({ inbox: 0, processed: 60, unprocessed: 2 });
      // What an IMAP client sees agrees with the Maildirs.
      expect(await mailutils.listFolder(user, "INBOX")).toHaveLength(0);
      expect(await mailutils.listFolder(user, "Processed")).toHaveLength(60);
      const tickets = await ticketCount(company.tenant.id);
      console.log("Mailutils IMAP, 60 corpus mails:", JSON.stringify({ ...after, tickets }));

      for (let i = 0; i < 3; i++) {
        expect(await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id })).toMatchObject({ ok: true, fetched: 0 });
      }
      expect(await folders()).toEqual(after);
      expect((await ledger(db, company.tenant.id, mailbox.id)).rows).toHaveLength(62);
      expect(await ticketCount(company.tenant.id)).toBe(tickets);
    },
    180_000,
  );

  it("says on the Dispatcher page how many processed mails it had to leave marked deleted, until someone expunges", async () => {
    const { company, user, mailbox } = await mailboxOnServer(db, mailutils, { protocol: "imap", processedFolder: "Processed" });
    for (const n of [1, 2, 3]) await mailutils.deliver(user, plainMail(`Question ${n}`));
    await asOtherClient(user, (client) => client.messageFlagsAdd("3", ["\\Deleted"], { uid: true }));
    const leftFlagged = async () => {
      const status = await withTenant(db, company.tenant.id, (tx) =>
        divisionDispatchStatus(tx, operatorScope(company.tenant.id), { divisionId: company.divisionId, now: new Date() }),
      );
      return status.mailboxes.find((m) => m.id === mailbox.id)!.leftFlagged;
    };

    // A first batch of two: when they are removed, the third is marked deleted by someone else, not
    // by us, so a plain EXPUNGE would take another client's mail and ours stay marked instead.
    await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id, limit: 2 });
    await drainMailbox(db, company.tenant.id, mailbox.id);
    await expectEachMailOnce(db, company.tenant.id, mailbox.id, 3);
    expect(subjects(await mailutils.listFolder(user, "Processed"))).toEqual(["Question 1", "Question 2", "Question 3"]);
    expect(await mailutils.listFolder(user, "INBOX")).toHaveLength(3);
    expect(await leftFlagged()).toBe(3);

    // A poll with nothing new neither fetches them again nor forgets them.
    expect(await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id })).toMatchObject({ ok: true, fetched: 0 });
    expect(await leftFlagged()).toBe(3);

    await asOtherClient(user, (client) => client.mailboxClose());
    expect(await mailutils.listFolder(user, "INBOX")).toHaveLength(0);
    await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id });
    expect(await leftFlagged()).toBe(0);
    expect((await ledger(db, company.tenant.id, mailbox.id)).rows).toHaveLength(3);
  });
});

describe("polling a POP3 mailbox on GNU Mailutils", () => {
  it("with 'leave a copy on the server', 60 real mails get 60 outcomes, stay on the server, and more polls change nothing", async () => {
    const { company, user, mailbox } = await mailboxOnServer(db, mailutils, { protocol: "pop3", pop3LeaveCopy: "on" });
    for (const raw of sixtyCorpusMails()) await mailutils.deliver(user, raw);

    await drainMailbox(db, company.tenant.id, mailbox.id);
    await expectEachMailOnce(db, company.tenant.id, mailbox.id, 60);
    const tickets = await ticketCount(company.tenant.id);
    for (let i = 0; i < 3; i++) {
      expect(await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id })).toMatchObject({ ok: true, fetched: 0 });
    }
    expect(await mailutils.countFolder(user, "INBOX")).toBe(60);
    expect((await ledger(db, company.tenant.id, mailbox.id)).rows).toHaveLength(60);
    expect(await ticketCount(company.tenant.id)).toBe(tickets);
    console.log("Mailutils POP3 with a copy left, 60 corpus mails:", JSON.stringify({ onServer: 60, tickets }));
  }, 120_000);
});

describe("a worker holding a Mailutils mailbox in IDLE", () => {
  it("takes mail that IDLE never announced at the mailbox's next scheduled poll, still holding IDLE", async () => {
    const { company, user, mailbox } = await mailboxOnServer(db, mailutils, { protocol: "imap", processedFolder: "Processed" });
    await withTenant(db, company.tenant.id, (tx) =>
      updateDivisionSettings(tx, operatorScope(company.tenant.id), company.divisionId, { pollIntervalMinutes: 60 }),
    );
    const stored = async () => (await ledger(db, company.tenant.id, mailbox.id)).rows.length;
    // The mailboxes of the tests above are not this worker's business.
    await db.update(mailboxes).set({ active: false }).where(ne(mailboxes.id, mailbox.id));
    const worker = startWorker(db, { tickMs: 100, chores: [] });
    try {
      await until("the mailbox held in IDLE", () => worker.idleCount() === 1, 15_000);

      await mailutils.deliverUnannounced(user, plainMail("Question"));
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await stored()).toBe(0);

      // The division polls hourly: rather than wait, its time comes now.
      await db.update(mailboxes).set({ nextPollAt: new Date() }).where(eq(mailboxes.id, mailbox.id));
      await until("the scheduled poll", async () => (await stored()) === 1, 15_000);
      expect(worker.idleCount()).toBe(1);
    } finally {
      await worker.stop();
    }
    expect(subjects(await mailutils.listFolder(user, "Processed"))).toEqual(["Question"]);
    await expectEachMailOnce(db, company.tenant.id, mailbox.id, 1);
  }, 60_000);
});
