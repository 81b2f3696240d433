import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundEmails, mailboxes, memberDefaultMailboxes, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { dueMailboxes, pollGoesOn, renewLeases, takeLease } from "../../lib/dispatch/lease";
import { pollMailbox } from "../../lib/dispatch/poll";
import { pollLeasedMailbox } from "../../lib/dispatch/poll-leased";
import { mailboxesToPoll } from "../../lib/dispatch/select";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { connectPop3 } from "../../lib/mail/pop3";
import { createMailbox } from "../../lib/mailboxes/mailboxes";
import { removeMailbox } from "../../lib/mailboxes/removal";
import { replaceMailbox } from "../../lib/mailboxes/replacement";
import { type MailboxSettingsInput, mailboxSettingsSchema } from "../../lib/mailboxes/settings";
import { makeTenant, testDatabase } from "../setup/db";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { mail } from "../setup/mail-fixtures";
import { trustMailServer } from "../setup/poll-fixtures";

/**
 * Removing a mailbox stops its polling at once, a poll in progress included; replacing a POP3
 * mailbox by IMAP on the same account takes in no mail twice. Against a real Dovecot.
 */

const db = await testDatabase();
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
  trustMailServer(dovecot);
}, 60_000);
afterAll(() => dovecot?.stop(), 30_000);

/** A company whose division reads one Dovecot account by POP3; the owner acts for it. */
async function pop3Desk(settings: Partial<MailboxSettingsInput> = {}) {
  const company = await makeTenant(db, "Mailco");
  const tenantId = company.tenant.id;
  const owner = { tenantId, userId: company.user.id, role: "owner" as const };
  const address = `support-${crypto.randomBytes(4).toString("hex")}@mailco.test`;
  const password = `pw-${crypto.randomBytes(6).toString("hex")}`;
  await dovecot.addUser(address, password);
  const settingsFor = (protocol: "imap" | "pop3", fields: Partial<MailboxSettingsInput> = {}) => {
    const login = dovecot.login(address, protocol, "tls");
    return mailboxSettingsSchema.parse({
      name: "Support",
      address,
      protocol,
      host: login.host,
      port: String(login.port),
      security: "tls",
      username: address,
      password,
      active: "on",
      ...fields,
    });
  };
  const tx = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, tenantId, work);
  const mailbox = await tx(async (t) => {
    await updateDivisionSettings(t, operatorScope(tenantId), company.divisionId, { tag: "MAIL", sendConfirmations: false });
    return createMailbox(t, operatorScope(tenantId), company.divisionId, settingsFor("pop3", settings));
  });
  const inboundRows = (mailboxId: string) =>
    tx((t) => t.select().from(inboundEmails).where(and(eq(inboundEmails.tenantId, tenantId), eq(inboundEmails.mailboxId, mailboxId))));
  const ticketCount = async () =>
    (await tx((t) => t.select({ id: tickets.id }).from(tickets).where(eq(tickets.tenantId, tenantId)))).length;
  return { company, tenantId, owner, address, mailbox, settingsFor, tx, inboundRows, ticketCount };
}

/** How many mails the account holds, seen over POP3 from a session of its own. */
async function mailsOnServer(desk: { address: string }): Promise<number> {
  const session = await connectPop3(dovecot.login(desk.address, "pop3", "tls"));
  try {
    return (await session.uidl()).length;
  } finally {
    await session.quit();
  }
}

describe("deleting a mailbox", () => {
  it("stops polling: a mail delivered after the removal stays on the server, and no inbound row is made", async () => {
    const desk = await pop3Desk();
    await dovecot.deliver(desk.address, mail({ subject: "Before the removal" }));
    expect(await pollMailbox(db, { tenantId: desk.tenantId, mailboxId: desk.mailbox.id })).toMatchObject({ ok: true, fetched: 1 });
    expect(await mailsOnServer(desk)).toBe(0);

    await desk.tx((t) => removeMailbox(t, desk.owner, { mailboxId: desk.mailbox.id, now: new Date() }));
    await dovecot.deliver(desk.address, mail({ subject: "After the removal" }));
    // Due by the clock: the dispatcher would pick it if removal did not stop it.
    await desk.tx((t) => t.update(mailboxes).set({ nextPollAt: new Date(0) }).where(eq(mailboxes.id, desk.mailbox.id)));

    const due = await dueMailboxes(db, { now: new Date(), limit: 100_000 });
    expect(due.map((ref) => ref.mailboxId)).not.toContain(desk.mailbox.id);
    expect(await mailboxesToPoll(db, { mailboxId: desk.mailbox.id })).toEqual([]);
    // The Trigger.dev poll task's path, had a dispatch planned it before the removal.
    expect(
      await pollLeasedMailbox(db, { tenantId: desk.tenantId, mailboxId: desk.mailbox.id, owner: "test-run" }),
    ).toMatchObject({ ok: false, failure: "removed" });

    expect(await mailsOnServer(desk)).toBe(1);
    expect(await desk.inboundRows(desk.mailbox.id)).toHaveLength(1);
    const [row] = await desk.tx((t) => t.select().from(mailboxes).where(eq(mailboxes.id, desk.mailbox.id)));
    expect(row).toMatchObject({ active: false, passwordEnc: null, smtpPasswordEnc: null, oauthTokensEnc: null });
    expect(row!.removedAt).not.toBeNull();
    // Its ticket stays, still its mailbox's.
    const [ticket] = await desk.tx((t) => t.select().from(tickets).where(eq(tickets.tenantId, desk.tenantId)));
    expect(ticket!.mailboxId).toBe(desk.mailbox.id);
  });

  it("ends a worker's hold on it (IDLE) at its next lease renewal", async () => {
    const desk = await pop3Desk();
    const now = new Date();
    expect(await takeLease(db, { mailboxId: desk.mailbox.id, owner: "worker-idle", now })).toBe(true);
    expect(await renewLeases(db, { mailboxIds: [desk.mailbox.id], owner: "worker-idle", now })).toEqual(new Set([desk.mailbox.id]));
    await desk.tx((t) => removeMailbox(t, desk.owner, { mailboxId: desk.mailbox.id, now: new Date() }));
    // Not kept: the worker closes its IDLE connection, and the lease runs out unrenewed.
    expect(await renewLeases(db, { mailboxIds: [desk.mailbox.id], owner: "worker-idle", now: new Date() })).toEqual(new Set());
  });

  it("stops a poll in progress before its next mail; what was left stays on the server", async () => {
    const desk = await pop3Desk();
    for (const n of [1, 2, 3]) await dovecot.deliver(desk.address, mail({ subject: `Mail ${n}` }));
    const goesOn = await pollGoesOn(db, desk.mailbox.id);
    let asked = 0;
    const result = await pollMailbox(db, {
      tenantId: desk.tenantId,
      mailboxId: desk.mailbox.id,
      // One mail per batch, so that "before the next mail" is a batch boundary too.
      maxBytes: 1,
      // The administrator removes the mailbox while the poll is between its first and second mail.
      goesOn: async () => {
        asked++;
        if (asked === 2) await desk.tx((t) => removeMailbox(t, desk.owner, { mailboxId: desk.mailbox.id, now: new Date() }));
        return goesOn();
      },
    });

    expect(result).toMatchObject({ ok: true, fetched: 1, more: false });
    expect(await desk.inboundRows(desk.mailbox.id)).toHaveLength(1);
    expect(await desk.ticketCount()).toBe(1);
    // The first mail was handled (deleted at QUIT); the other two were never fetched.
    expect(await mailsOnServer(desk)).toBe(2);
  });
});

describe("replacing a POP3 mailbox by IMAP for the same address", () => {
  it("takes in none of the mail the POP3 mailbox already took, and new mail makes one ticket", async () => {
    const desk = await pop3Desk({ pop3LeaveCopy: "on" });
    for (const n of [1, 2, 3]) await dovecot.deliver(desk.address, mail({ subject: `Question ${n}` }));
    expect(await pollMailbox(db, { tenantId: desk.tenantId, mailboxId: desk.mailbox.id })).toMatchObject({
      ok: true,
      fetched: 3,
    });
    expect(await desk.ticketCount()).toBe(3);
    expect(await mailsOnServer(desk)).toBe(3);

    // The owner replies from it by default: the new account takes that over too.
    await desk.tx((t) =>
      t.insert(memberDefaultMailboxes).values({
        tenantId: desk.tenantId,
        userId: desk.owner.userId!,
        divisionId: desk.mailbox.divisionId,
        mailboxId: desk.mailbox.id,
      }),
    );
    const { mailbox: imap, tookOver } = await desk.tx((t) =>
      replaceMailbox(t, desk.owner, { replacesId: desk.mailbox.id, settings: desk.settingsFor("imap", { processedFolder: "Processed" }) }),
    );
    expect(tookOver).toEqual({ isDefault: true, teams: 0 });
    expect(imap).toMatchObject({ protocol: "imap", address: desk.address, isDefault: true, active: true });
    const [old] = await desk.tx((t) => t.select().from(mailboxes).where(eq(mailboxes.id, desk.mailbox.id)));
    expect(old).toMatchObject({ active: false, isDefault: false, removedAt: null });
    const defaults = await desk.tx((t) => t.select().from(memberDefaultMailboxes).where(eq(memberDefaultMailboxes.tenantId, desk.tenantId)));
    expect(defaults.map((row) => row.mailboxId)).toEqual([imap.id]);

    expect(await pollMailbox(db, { tenantId: desk.tenantId, mailboxId: imap.id })).toMatchObject({ ok: true, fetched: 3 });
    expect((await desk.inboundRows(imap.id)).map((row) => row.outcome)).toEqual(["duplicate", "duplicate", "duplicate"]);
    expect(await desk.ticketCount()).toBe(3);
    // The old mailbox's mail stays, readable as an archive.
    expect(await desk.inboundRows(desk.mailbox.id)).toHaveLength(3);

    await dovecot.deliver(desk.address, mail({ subject: "Question 4" }));
    expect(await pollMailbox(db, { tenantId: desk.tenantId, mailboxId: imap.id })).toMatchObject({ ok: true, fetched: 1 });
    expect(await desk.ticketCount()).toBe(4);
    const [fourth] = await desk.tx((t) =>
      t.select().from(tickets).where(and(eq(tickets.tenantId, desk.tenantId), eq(tickets.mailboxId, imap.id))),
    );
    expect(fourth).toBeDefined();
  });
});
