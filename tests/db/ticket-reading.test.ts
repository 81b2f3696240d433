import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, inboundEmails } from "../../db/schema";
import { operatorScope, type TenantScope, withTenant } from "../../db/tenant";
import { recordAudit } from "../../lib/audit";
import { NotFoundError } from "../../lib/errors";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import { processInboundEmail } from "../../lib/inbound/process";
import { attachWaitingEmail } from "../../lib/inbound/waiting-decisions";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { assignTicket } from "../../lib/tickets/assign";
import { listTicketEvents } from "../../lib/tickets/events";
import { getReceivedMail, listMessageOrigins } from "../../lib/tickets/message-origin";
import { setTicketStatus } from "../../lib/tickets/status";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";

const db = await testDatabase();

/** A company whose customer opened a ticket and answered on it by In-Reply-To. */
async function helpDesk(name: string) {
  const company = await makeTenant(db, name);
  const tenantId = company.tenant.id;
  const scope: TenantScope = { tenantId, userId: company.user.id, role: "owner" };
  const receive = async (raw: Buffer) => {
    const { email } = await storeInboundEmail(db, {
      tenantId,
      divisionId: company.divisionId,
      mailboxId: null,
      uniqueKey: inboundKey.import(raw),
      raw,
    });
    return { ...(await processInboundEmail(db, { tenantId, inboundEmailId: email.id })), inboundEmailId: email.id };
  };
  const messageId = `${name.toLowerCase()}-1@customer.test`;
  const opened = await receive(mail({ subject: "Invoice", messageId, body: "Where is it?" }));
  const reply = mail({ subject: "Re: Invoice", inReplyTo: messageId, headers: { "X-Mailer": "Mutt" }, body: "Still waiting." });
  const answered = await receive(reply);
  const run = <T>(work: (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => Promise<T>) => withTenant(db, tenantId, work);
  return { company, tenantId, scope, run, ticketId: opened.ticketId!, reply, replyInboundId: answered.inboundEmailId };
}

describe("a ticket's events", () => {
  it("are its status, assignment and other changes from this tenant's audit log, oldest first; another tenant's rows never appear", async () => {
    const a = await helpDesk("Events");
    const b = await helpDesk("Intruders");
    await a.run((tx) => assignTicket(tx, a.scope, { ticketId: a.ticketId, assigneeId: a.company.user.id }));
    await a.run((tx) => setTicketStatus(tx, a.scope, { ticketId: a.ticketId, status: "closed" }));
    // B's audit rows that name A's ticket (they cannot in practice; the query must not trust ids alone).
    await withTenant(db, b.tenantId, (tx) =>
      recordAudit(tx, b.scope, "ticket.status_changed", { type: "ticket", id: a.ticketId }, { from: "closed", to: "open" }),
    );
    await b.run((tx) => setTicketStatus(tx, b.scope, { ticketId: b.ticketId, status: "on_hold" }));
    // An audit row of another kind on A's ticket is no event.
    await a.run((tx) => recordAudit(tx, a.scope, "ticket.viewed", { type: "ticket", id: a.ticketId }));

    const events = await a.run((tx) => listTicketEvents(tx, a.scope, a.ticketId));
    expect(events.map(({ kind, actorId }) => ({ kind, actorId }))).toEqual([
      { kind: "assigned", actorId: a.company.user.id },
      { kind: "status", actorId: a.company.user.id },
    ]);
    expect(events[1]).toMatchObject({ from: "open", to: "closed" });

    const forged = await db.select().from(auditLog).where(eq(auditLog.targetId, a.ticketId));
    expect(forged.some((row) => row.tenantId === b.tenantId)).toBe(true);
    expect(await b.run((tx) => listTicketEvents(tx, b.scope, a.ticketId))).toEqual([
      expect.objectContaining({ kind: "status", from: "closed", to: "open" }),
    ]);
  });
});

describe("why a message is here, and the mail as received", () => {
  it("gives each message its threading reason, the headers only when asked, and the bytes exactly as received", async () => {
    const desk = await helpDesk("Origins");
    const origins = await desk.run((tx) => listMessageOrigins(tx, desk.scope, { ticketId: desk.ticketId, withHeaders: true }));
    expect([...origins.values()].map((origin) => origin.reason).sort()).toEqual(["header", "new"]);
    const reply = [...origins.entries()].find(([, origin]) => origin.reason === "header")!;
    expect(reply[1].rawAvailable).toBe(true);
    expect(reply[1].headers).toContainEqual({ name: "X-Mailer", value: "Mutt" });

    const withoutHeaders = await desk.run((tx) => listMessageOrigins(tx, desk.scope, { ticketId: desk.ticketId, withHeaders: false }));
    expect(withoutHeaders.get(reply[0])).toMatchObject({ reason: "header", headers: null, rawAvailable: true });

    const received = await desk.run((tx) => getReceivedMail(tx, desk.scope, { ticketId: desk.ticketId, messageId: reply[0] }));
    expect(Buffer.compare(received.raw, desk.reply)).toBe(0);
  });

  it("has nothing for another tenant, another ticket, or a purged mail", async () => {
    const desk = await helpDesk("Purged");
    const other = await helpDesk("Others");
    const origins = await desk.run((tx) => listMessageOrigins(tx, desk.scope, { ticketId: desk.ticketId, withHeaders: true }));
    const [replyId] = [...origins.entries()].find(([, origin]) => origin.reason === "header")!;

    await expect(
      other.run((tx) => getReceivedMail(tx, other.scope, { ticketId: desk.ticketId, messageId: replyId })),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      desk.run((tx) => getReceivedMail(tx, desk.scope, { ticketId: other.ticketId, messageId: replyId })),
    ).rejects.toBeInstanceOf(NotFoundError);

    await withTenant(db, desk.tenantId, (tx) =>
      tx.update(inboundEmails).set({ purgedAt: new Date(), raw: Buffer.alloc(0) }).where(eq(inboundEmails.id, desk.replyInboundId)),
    );
    await expect(
      desk.run((tx) => getReceivedMail(tx, operatorScope(desk.tenantId), { ticketId: desk.ticketId, messageId: replyId })),
    ).rejects.toBeInstanceOf(NotFoundError);
    const after = await desk.run((tx) => listMessageOrigins(tx, desk.scope, { ticketId: desk.ticketId, withHeaders: true }));
    expect(after.get(replyId)).toMatchObject({ reason: "header", rawAvailable: false, headers: null });
  });

  it("names who attached a held mail from the waiting list", async () => {
    const desk = await helpDesk("Attachers");
    await desk.run((tx) =>
      updateDivisionSettings(tx, operatorScope(desk.tenantId), desk.company.divisionId, { automationMode: "waiting_list" }),
    );
    const raw = mail({ from: "Ola <ola@elsewhere.test>", subject: "Something else", body: "Held first." });
    const { email } = await storeInboundEmail(db, {
      tenantId: desk.tenantId,
      divisionId: desk.company.divisionId,
      mailboxId: null,
      uniqueKey: inboundKey.import(raw),
      raw,
    });
    expect((await processInboundEmail(db, { tenantId: desk.tenantId, inboundEmailId: email.id })).outcome).toBe("waiting_list");
    await desk.run((tx) => attachWaitingEmail(tx, desk.scope, { id: email.id, ticketId: desk.ticketId }));

    const origins = await desk.run((tx) => listMessageOrigins(tx, desk.scope, { ticketId: desk.ticketId, withHeaders: false }));
    const attached = [...origins.values()].filter((origin) => origin.reason === "attached");
    expect(attached).toEqual([{ reason: "attached", attachedById: desk.company.user.id, rawAvailable: true, headers: null }]);
    expect([...origins.values()].filter((origin) => origin.reason !== "attached").every((origin) => origin.attachedById === null)).toBe(true);
  });
});
