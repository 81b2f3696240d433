import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxes } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { eq } from "drizzle-orm";
import { pollMailbox } from "../../lib/dispatch/poll";
import { testDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { mail } from "../setup/mail-fixtures";
import {
  drainMailbox,
  expectEachMailOnce,
  ledger,
  mailboxOnServer,
  mixedMails,
  setSpamDomains,
  trustMailServer,
} from "../setup/poll-fixtures";
import { startScriptedImap } from "../setup/scripted-imap";

const db = await testDatabase();
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  trustMailServer(dovecot);
}, 60_000);
afterAll(() => dovecot?.stop(), 30_000);

const drain = (tenantId: string, mailboxId: string) => drainMailbox(db, tenantId, mailboxId);

describe("polling an IMAP mailbox", () => {
  it(
    "200 mixed mails get 200 outcomes, no duplicates, processed mail in Processed and the rest in Unprocessed",
    async () => {
      const { company, user, mailbox } = await mailboxOnServer(db, dovecot, {
        protocol: "imap",
        processedFolder: "Processed",
        unprocessedFolder: "Unprocessed",
      });
      await setSpamDomains(db, company.tenant.id, company.divisionId);
      const mails = mixedMails(200);
      for (const raw of mails) await dovecot.deliver(user, raw);

      const polls = await drain(company.tenant.id, mailbox.id);
      // A batch holds at most 100 mails: the backlog drained over several polls.
      expect(polls.filter((p) => p.ok && p.fetched > 0).length).toBeGreaterThanOrEqual(2);

      const rows = await expectEachMailOnce(db, company.tenant.id, mailbox.id, 200);
      expect(rows.every((r) => r.acknowledgedAt !== null)).toBe(true);

      const unprocessed = rows.filter((r) => r.outcome === "unprocessed").length;
      expect(unprocessed).toBeGreaterThanOrEqual(2);
      expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(0);
      expect(await dovecot.listFolder(user, "Processed")).toHaveLength(200 - unprocessed);
      expect(await dovecot.listFolder(user, "Unprocessed")).toHaveLength(unprocessed);
      const outcomes = Object.fromEntries(
        [...new Set(rows.map((r) => r.outcome))].map((o) => [o, rows.filter((r) => r.outcome === o).length]),
      );
      console.log("IMAP 200 mails:", JSON.stringify(outcomes));
      for (const outcome of ["ticket_created", "ticket_message", "waiting_list", "blocked", "unprocessed"]) {
        expect(outcomes[outcome], outcome).toBeGreaterThan(0);
      }
    },
    180_000,
  );

  it("after a UIDVALIDITY change the mailbox is read again without duplicating anything", async () => {
    const { company, user, mailbox } = await mailboxOnServer(db, dovecot, { protocol: "imap", security: "starttls" });
    for (let i = 0; i < 3; i++) await dovecot.deliver(user, mail({ subject: `Kept ${i}`, messageId: `kept${i}@c.test` }));
    await drain(company.tenant.id, mailbox.id);
    // No processed folder: the mails stay in INBOX, where a new UIDVALIDITY renumbers them.
    await dovecot.setUidValidity(user, "INBOX", 4242);
    await dovecot.deliver(user, mail({ subject: "After the change", messageId: "after@c.test" }));
    const [result] = await drain(company.tenant.id, mailbox.id);
    expect(result).toMatchObject({ ok: true, resync: true, fetched: 4 });
    const { rows } = await ledger(db, company.tenant.id, mailbox.id);
    expect(rows.filter((r) => r.outcome === "ticket_created")).toHaveLength(4);
    expect(rows.filter((r) => r.outcome === "duplicate")).toHaveLength(3);
    const [state] = await withTenant(db, company.tenant.id, (tx) =>
      tx.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id)),
    );
    expect(state?.uidValidity).toBe(4242);
  });

  it("a refused login is recorded with its reason and the next try backs off", async () => {
    const { company, mailbox } = await mailboxOnServer(db, dovecot, { protocol: "imap", password: "wrong" });
    await withTenant(db, company.tenant.id, (tx) =>
      tx.update(mailboxes).set({ username: "nobody-here" }).where(eq(mailboxes.id, mailbox.id)),
    );
    const now = new Date("2026-11-23T12:00:00Z");
    const result = await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id, now: () => now });
    expect(result).toMatchObject({ ok: false, failure: "loginFailed" });
    const [state] = await withTenant(db, company.tenant.id, (tx) =>
      tx.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id)),
    );
    expect(state).toMatchObject({ lastErrorCode: "loginFailed", failureCount: 1 });
    expect(state!.nextPollAt!.getTime() - now.getTime()).toBeGreaterThanOrEqual(13 * 60_000);
    expect(state!.lastError).not.toContain("wrong");
  });
});

describe("polling a POP3 mailbox", () => {
  it("with 'leave a copy on the server', a second poll fetches nothing new and the mail stays", async () => {
    const { company, user, mailbox } = await mailboxOnServer(db, dovecot, { protocol: "pop3", pop3LeaveCopy: "on" });
    await setSpamDomains(db, company.tenant.id, company.divisionId);
    const mails = mixedMails(60);
    for (const raw of mails) await dovecot.deliver(user, raw);
    const first = await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id });
    expect(first).toMatchObject({ ok: true, fetched: 60 });
    const second = await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id });
    expect(second).toMatchObject({ ok: true, fetched: 0 });
    const { rows } = await ledger(db, company.tenant.id, mailbox.id);
    expect(rows).toHaveLength(60);
    expect(rows.filter((r) => r.outcome === "pending")).toEqual([]);
    expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(60);
  }, 120_000);

  it("a kept copy is removed from the server once older than 'remove after N days'", async () => {
    const { company, user, mailbox } = await mailboxOnServer(db, dovecot, {
      protocol: "pop3",
      pop3LeaveCopy: "on",
      pop3RemoveAfterDays: "2",
    });
    await dovecot.deliver(user, mail({ subject: "Keep me a while" }));
    await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id });
    const tomorrow = new Date(Date.now() + 86_400_000);
    await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id, now: () => tomorrow });
    expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(1);
    const inThreeDays = new Date(Date.now() + 3 * 86_400_000);
    const later = await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id, now: () => inThreeDays });
    expect(later).toMatchObject({ ok: true, fetched: 0 });
    expect(await dovecot.listFolder(user, "INBOX")).toHaveLength(0);
    const { rows } = await ledger(db, company.tenant.id, mailbox.id);
    expect(rows).toHaveLength(1);
  });

  it("by default deletes after download, except unprocessed mail, which stays on the server", async () => {
    const { company, user, mailbox } = await mailboxOnServer(db, dovecot, { protocol: "pop3", security: "starttls" });
    await dovecot.deliver(user, mail({ subject: "Normal" }));
    await dovecot.deliver(user, mail({ subject: "Too big", body: "x".repeat(1_100_000) }));
    const result = await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id });
    expect(result).toMatchObject({ ok: true, fetched: 2, acknowledged: 2 });
    const left = await dovecot.listFolder(user, "INBOX");
    expect(left).toHaveLength(1);
    expect(left[0]!.raw.toString()).toContain("Too big");
    expect(await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id })).toMatchObject({ fetched: 0 });
  });

  it("a server that hides mail from every listing fails the poll as mailHidden, never as an empty success", async () => {
    const server = await startScriptedImap({
      user: "desk",
      pass: "deskpass",
      mails: [1, 2, 3].map((uid) => ({
        uid,
        raw: mail({ subject: `Hidden ${uid}`, messageId: `hidden${uid}@c.test` }).toString("latin1"),
      })),
      hide: { search: true, uidFetchToEnd: true, fetch: true },
    });
    try {
      const { company, mailbox } = await mailboxOnServer(db, dovecot, {
        protocol: "imap",
        host: server.host,
        port: String(server.port),
        security: "none",
        username: "desk",
        password: "deskpass",
      });
      const result = await pollMailbox(db, { tenantId: company.tenant.id, mailboxId: mailbox.id });
      expect(result).toMatchObject({ ok: false, failure: "mailHidden" });
      const [state] = await withTenant(db, company.tenant.id, (tx) =>
        tx.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id)),
      );
      expect(state).toMatchObject({
        connectionState: "backoff",
        lastErrorCode: "mailHidden",
        lastError: "The server lists 3 messages in INBOX but returned only 0",
        lastUid: null,
      });
    } finally {
      await server.close();
    }
  });
});
