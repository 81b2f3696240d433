import crypto from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { Database, Transaction } from "../../db/client";
import * as schema from "../../db/schema";
import { isUnsubscribed } from "../../db/queries/contacts";
import { operatorScope, type TenantScope, withTenant } from "../../db/tenant";
import { appUrl } from "../../lib/app-url";
import { ForbiddenError, RuleError } from "../../lib/errors";
import { checkMassMail, listMassMailings, massMailingProgress, sendMassMail } from "../../lib/mass-mail/mass-mail";
import { listDivisionContacts } from "../../lib/mass-mail/recipients";
import {
  readUnsubscribeToken,
  unsubscribeContact,
  unsubscribeToken,
} from "../../lib/mass-mail/unsubscribe";
import { makeTenant, testDatabase } from "../setup/db";

const state = vi.hoisted(() => ({ db: undefined as unknown }));
vi.mock("@/db", () => ({ getDb: async () => state.db }));

const db: Database = await testDatabase();
state.db = db;

const BODY = "Hello {{customerName}},\n\nWe have moved.\n\nUnsubscribe: {{link}}";

/**
 * A company whose first division has two mailboxes (support, the default, and news) and three
 * contacts with tickets in it (Ada, a contact without a name, and Cy, who unsubscribed), plus Dora,
 * whose only ticket is in another division.
 */
async function company() {
  const base = await makeTenant(db, "Mass");
  const tenantId = base.tenant.id;
  const scope: TenantScope = { tenantId, userId: base.user.id, role: "owner" };
  const domain = `${base.tenant.slug}.test`;
  const fixture = await withTenant(db, tenantId, async (tx) => {
    const mailbox = (name: string, isDefault: boolean) =>
      tx
        .insert(schema.mailboxes)
        .values({
          tenantId,
          divisionId: base.divisionId,
          name,
          address: `${name}@${domain}`,
          protocol: "imap",
          host: "imap.example.test",
          port: 993,
          security: "tls",
          username: `${name}@${domain}`,
          isDefault,
        })
        .returning()
        .then((rows) => rows[0]!);
    const support = await mailbox("support", true);
    const news = await mailbox("news", false);
    const [otherDivision] = await tx
      .insert(schema.divisions)
      .values({ tenantId, name: "Other", tag: `O${crypto.randomBytes(3).toString("hex").toUpperCase()}` })
      .returning();
    let number = 0;
    const contact = async (email: string, name: string | null, divisionId: string, openedAt: Date, unsubscribed = false) => {
      const [row] = await tx
        .insert(schema.contacts)
        .values({ tenantId, email, name, unsubscribedAt: unsubscribed ? new Date("2024-01-01T00:00:00Z") : null })
        .returning();
      await tx
        .insert(schema.tickets)
        .values({ tenantId, divisionId, number: ++number, subject: "Hello", contactId: row!.id, createdAt: openedAt });
      return row!;
    };
    const ada = await contact(`ada@${domain}`, "Ada Lovelace", base.divisionId, new Date("2024-03-01T00:00:00Z"));
    const nameless = await contact(`nameless@${domain}`, null, base.divisionId, new Date("2024-05-01T00:00:00Z"));
    const cy = await contact(`cy@${domain}`, "Cy Young", base.divisionId, new Date("2024-04-01T00:00:00Z"), true);
    const dora = await contact(`dora@${domain}`, "Dora", otherDivision!.id, new Date("2024-06-01T00:00:00Z"));
    // A second, older ticket of Ada's does not list her twice.
    await tx
      .insert(schema.tickets)
      .values({ tenantId, divisionId: base.divisionId, number: ++number, subject: "Old", contactId: ada.id, createdAt: new Date("2023-01-01T00:00:00Z") });
    return { support, news, ada, nameless, cy, dora, otherDivisionId: otherDivision!.id };
  });
  const inTenant = <T>(work: (tx: Transaction) => Promise<T>) => withTenant(db, tenantId, work);
  return { ...base, scope, ...fixture, inTenant };
}

async function outboxOf(mailingId: string) {
  return db
    .select()
    .from(schema.outbox)
    .where(eq(schema.outbox.massMailingId, mailingId))
    .orderBy(asc(schema.outbox.nextAttemptAt));
}

describe("a division's contacts for mass mail", () => {
  it("are the contacts with a ticket in the division, latest ticket first, unsubscribed ones flagged", async () => {
    const c = await company();
    const listed = await c.inTenant((tx) => listDivisionContacts(tx, c.scope, { divisionId: c.divisionId }));
    expect(listed.map((r) => [r.email, r.unsubscribed])).toEqual([
      [c.nameless.email, false],
      [c.cy.email, true],
      [c.ada.email, false],
    ]);
    expect(listed.find((r) => r.contactId === c.ada.id)!.lastTicketAt).toEqual(new Date("2024-03-01T00:00:00Z"));
  });

  it("are narrowed by a part of the name or address, with % and _ taken literally", async () => {
    const c = await company();
    const search = (text: string) =>
      c.inTenant((tx) => listDivisionContacts(tx, c.scope, { divisionId: c.divisionId, search: text }));
    expect((await search("LOVE")).map((r) => r.contactId)).toEqual([c.ada.id]);
    expect((await search("nameless@")).map((r) => r.contactId)).toEqual([c.nameless.id]);
    expect(await search("%")).toEqual([]);
  });

  it("leave out role addresses such as postmaster@ and no-reply@ unless asked, and flag them when asked", async () => {
    const c = await company();
    const domain = `${c.tenant.slug}.test`;
    const [postmaster, noReply, info] = await c.inTenant(async (tx) => {
      const rows = await tx
        .insert(schema.contacts)
        .values(["Postmaster", "no-reply+42", "info"].map((local) => ({ tenantId: c.tenant.id, email: `${local}@${domain}` })))
        .returning();
      await tx.insert(schema.tickets).values(
        rows.map((row, index) => ({ tenantId: c.tenant.id, divisionId: c.divisionId, number: 100 + index, subject: "Bounce", contactId: row.id })),
      );
      return rows;
    });
    const list = (includeRoleAddresses?: boolean) =>
      c.inTenant((tx) => listDivisionContacts(tx, c.scope, { divisionId: c.divisionId, includeRoleAddresses }));

    const byDefault = await list();
    expect(byDefault.map((r) => r.contactId)).not.toContain(postmaster!.id);
    expect(byDefault.map((r) => r.contactId)).not.toContain(noReply!.id);
    // info@ is an inbox people read: it stays.
    expect(byDefault.find((r) => r.contactId === info!.id)).toMatchObject({ roleAddress: false });
    expect(byDefault).toHaveLength(4);

    const all = await list(true);
    expect(all).toHaveLength(6);
    expect(all.filter((r) => r.roleAddress).map((r) => r.contactId).sort()).toEqual([postmaster!.id, noReply!.id].sort());
  });
});

describe("checking a mass mail before it is confirmed", () => {
  it("refuses a body without {{link}} with a field error, and accepts it with one, queuing nothing", async () => {
    const c = await company();
    const check = (body: string) =>
      c.inTenant((tx) =>
        checkMassMail(tx, c.scope, { divisionId: c.divisionId, contactIds: [c.ada.id, c.cy.id], subject: "Hi", body }),
      );
    await expect(check("Hello {{customerName}}, we have moved.")).rejects.toMatchObject({
      key: "invalidInput",
      fieldErrors: { body: ["unsubscribeLinkMissing"] },
    });
    expect(await check(BODY)).toEqual({ recipients: 1, skippedUnsubscribed: 1 });
    expect(await db.select().from(schema.massMailings).where(eq(schema.massMailings.tenantId, c.tenant.id))).toEqual([]);
    expect(await db.select().from(schema.outbox).where(eq(schema.outbox.tenantId, c.tenant.id))).toEqual([]);
  });

  it("refuses what sending would refuse: other divisions' contacts, nobody left, an agent", async () => {
    const c = await company();
    const check = (scope: TenantScope, contactIds: string[]) =>
      c.inTenant((tx) => checkMassMail(tx, scope, { divisionId: c.divisionId, contactIds, subject: "Hi", body: BODY }));
    await expect(check(c.scope, [c.dora.id])).rejects.toMatchObject({ fieldErrors: { contactIds: ["invalidChoice"] } });
    await expect(check(c.scope, [c.cy.id])).rejects.toMatchObject({ key: "allUnsubscribed" });
    await expect(check({ ...c.scope, role: "agent" }, [c.ada.id])).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("sending a mass mail", () => {
  it("queues one mail per recipient, with their name, their own unsubscribe link and bulk headers", async () => {
    const c = await company();
    const outcome = await c.inTenant((tx) =>
      sendMassMail(tx, c.scope, {
        divisionId: c.divisionId,
        contactIds: [c.ada.id, c.nameless.id],
        subject: "News from {{divisionName}}",
        body: BODY,
      }),
    );
    expect(outcome).toMatchObject({ queued: 2, skippedUnsubscribed: 0 });
    expect(outcome.mailing).toMatchObject({ recipientCount: 2, subject: "News from {{divisionName}}", body: BODY, createdByUserId: c.user.id });

    const rows = await outboxOf(outcome.mailing.id);
    expect(rows).toHaveLength(2);
    const toAda = rows.find((row) => row.toAddresses[0]!.address === c.ada.email)!;
    const toNameless = rows.find((row) => row.toAddresses[0]!.address === c.nameless.email)!;
    expect(toAda).toMatchObject({ kind: "mass_mail", status: "ready", ticketId: null, divisionId: c.divisionId });
    expect(toAda.toAddresses).toEqual([{ address: c.ada.email, name: "Ada Lovelace" }]);
    expect(toAda.subject).not.toContain("{{");
    expect(toAda.text).toContain("Hello Ada Lovelace,");
    expect(toNameless.text).toContain(`Hello ${c.nameless.email},`);

    const link = /Unsubscribe: (\S+)/.exec(toAda.text)![1]!;
    expect(link.startsWith(appUrl("/unsubscribe/"))).toBe(true);
    expect(toAda.headers).toEqual({
      "List-Unsubscribe": `<${link}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      Precedence: "bulk",
      "Auto-Submitted": "auto-generated",
      "X-Auto-Response-Suppress": "All",
    });
    expect(readUnsubscribeToken(link.split("/").pop()!)).toEqual({ tenantId: c.tenant.id, contactId: c.ada.id });
    expect(toNameless.text).not.toContain(link);
  });

  it("links the company's help center where the body asks for it, once the division names a default knowledge base", async () => {
    const c = await company();
    const send = () =>
      c.inTenant((tx) =>
        sendMassMail(tx, c.scope, { divisionId: c.divisionId, contactIds: [c.ada.id], subject: "News", body: `${BODY}\nHelp: [{{helpCenterUrl}}]` }),
      );
    const without = await outboxOf((await send()).mailing.id);
    expect(without[0]!.text).toContain("Help: []");
    await c.inTenant(async (tx) => {
      const [kb] = await tx.insert(schema.knowledgeBases).values({ tenantId: c.tenant.id, name: "Pomoc" }).returning();
      await tx.update(schema.divisions).set({ defaultKnowledgeBaseId: kb!.id, language: "pl" }).where(eq(schema.divisions.id, c.divisionId));
    });
    const linked = await outboxOf((await send()).mailing.id);
    expect(linked[0]!.text).toContain(`Help: [${appUrl(`/pl/help/${c.tenant.slug}`)}]`);
  });

  it("leaves from the division's mass mail mailbox, else from its default sender", async () => {
    const c = await company();
    const send = () =>
      c.inTenant((tx) =>
        sendMassMail(tx, c.scope, { divisionId: c.divisionId, contactIds: [c.ada.id], subject: "Hi", body: BODY }),
      );
    const byDefault = await send();
    expect((await outboxOf(byDefault.mailing.id))[0]).toMatchObject({ mailboxId: c.support.id, fromAddress: c.support.address });

    await db.update(schema.divisions).set({ massMailFromMailboxId: c.news.id }).where(eq(schema.divisions.id, c.divisionId));
    const fromNews = await send();
    expect((await outboxOf(fromNews.mailing.id))[0]).toMatchObject({ mailboxId: c.news.id, fromAddress: c.news.address });
  });

  it("skips contacts who unsubscribed and says how many, and refuses when nobody is left", async () => {
    const c = await company();
    const outcome = await c.inTenant((tx) =>
      sendMassMail(tx, c.scope, { divisionId: c.divisionId, contactIds: [c.ada.id, c.cy.id], subject: "Hi", body: BODY }),
    );
    expect(outcome).toMatchObject({ queued: 1, skippedUnsubscribed: 1 });
    expect(outcome.mailing.recipientCount).toBe(1);
    expect((await outboxOf(outcome.mailing.id)).map((row) => row.toAddresses[0]!.address)).toEqual([c.ada.email]);

    const onlyCy = c.inTenant((tx) =>
      sendMassMail(tx, c.scope, { divisionId: c.divisionId, contactIds: [c.cy.id], subject: "Hi", body: BODY }),
    );
    await expect(onlyCy).rejects.toMatchObject({ key: "allUnsubscribed" });
  });

  it("spreads the mails at the chosen rate, and a second mailing lines up behind the first", async () => {
    const c = await company();
    const now = new Date("2030-01-01T12:00:00Z");
    const first = await c.inTenant((tx) =>
      sendMassMail(
        tx,
        c.scope,
        { divisionId: c.divisionId, contactIds: [c.ada.id, c.nameless.id], subject: "Hi", body: BODY, ratePerMinute: 2 },
        now,
      ),
    );
    const times = (await outboxOf(first.mailing.id)).map((row) => row.nextAttemptAt.toISOString());
    expect(times).toEqual(["2030-01-01T12:00:00.000Z", "2030-01-01T12:00:30.000Z"]);
    expect(first.lastAt.toISOString()).toBe("2030-01-01T12:00:30.000Z");

    const second = await c.inTenant((tx) =>
      sendMassMail(tx, c.scope, { divisionId: c.divisionId, contactIds: [c.ada.id], subject: "Hi", body: BODY }, now),
    );
    // The default pace is 60 a minute: one second after the last mail of the first mailing.
    expect((await outboxOf(second.mailing.id))[0]!.nextAttemptAt.toISOString()).toBe("2030-01-01T12:00:31.000Z");
  });

  it("refuses contacts of another division or tenant, and changes nothing", async () => {
    const c = await company();
    for (const contactIds of [[c.ada.id, c.dora.id], [crypto.randomUUID()]]) {
      const attempt = c.inTenant((tx) =>
        sendMassMail(tx, c.scope, { divisionId: c.divisionId, contactIds, subject: "Hi", body: BODY }),
      );
      await expect(attempt).rejects.toMatchObject({ key: "invalidInput", fieldErrors: { contactIds: ["invalidChoice"] } });
    }
    const mailings = await db.select().from(schema.massMailings).where(eq(schema.massMailings.tenantId, c.tenant.id));
    expect(mailings).toEqual([]);
  });

  it("refuses a message without the unsubscribe link, with a ticket placeholder, or with no recipients", async () => {
    const c = await company();
    const attempt = (patch: Record<string, unknown>) =>
      c.inTenant((tx) =>
        sendMassMail(tx, c.scope, { divisionId: c.divisionId, contactIds: [c.ada.id], subject: "Hi", body: BODY, ...patch }),
      );
    await expect(attempt({ body: "Hello {{customerName}}" })).rejects.toMatchObject({
      fieldErrors: { body: ["unsubscribeLinkMissing"] },
    });
    await expect(attempt({ subject: "Your ticket {{ticketNumber}}" })).rejects.toMatchObject({
      fieldErrors: { subject: ["unknownPlaceholder"] },
    });
    await expect(attempt({ contactIds: [] })).rejects.toMatchObject({ fieldErrors: { contactIds: ["noRecipients"] } });
    await expect(attempt({ ratePerMinute: 0 })).rejects.toMatchObject({ fieldErrors: { ratePerMinute: ["rateRange"] } });
  });

  it("is for owners and administrators only: an agent is refused", async () => {
    const c = await company();
    const agent: TenantScope = { ...c.scope, role: "agent" };
    const attempt = c.inTenant((tx) =>
      sendMassMail(tx, agent, { divisionId: c.divisionId, contactIds: [c.ada.id], subject: "Hi", body: BODY }),
    );
    await expect(attempt).rejects.toBeInstanceOf(ForbiddenError);
    const admin: TenantScope = { ...c.scope, role: "admin" };
    await expect(
      c.inTenant((tx) => sendMassMail(tx, admin, { divisionId: c.divisionId, contactIds: [c.ada.id], subject: "Hi", body: BODY })),
    ).resolves.toMatchObject({ queued: 1 });
  });

  it("refuses when the division has no mailbox to send from", async () => {
    const c = await company();
    const attempt = c.inTenant((tx) =>
      sendMassMail(tx, c.scope, { divisionId: c.otherDivisionId, contactIds: [c.dora.id], subject: "Hi", body: BODY }),
    );
    await expect(attempt).rejects.toBeInstanceOf(RuleError);
    await expect(attempt).rejects.toMatchObject({ key: "noSenderMailbox" });
  });
});

describe("progress of mass mailings", () => {
  it("counts each mailing's mails by outbox status, newest mailing first", async () => {
    const c = await company();
    const send = (contactIds: string[]) =>
      c.inTenant((tx) => sendMassMail(tx, c.scope, { divisionId: c.divisionId, contactIds, subject: "Hi", body: BODY }));
    const older = await send([c.ada.id]);
    const newer = await send([c.ada.id, c.nameless.id]);
    const [sent, failed] = await outboxOf(newer.mailing.id);
    await db.update(schema.outbox).set({ status: "sent", sentAt: new Date() }).where(eq(schema.outbox.id, sent!.id));
    await db.update(schema.outbox).set({ status: "error" }).where(eq(schema.outbox.id, failed!.id));

    expect(await c.inTenant((tx) => massMailingProgress(tx, c.scope, newer.mailing.id))).toEqual({
      ready: 0,
      sending: 0,
      sent: 1,
      error: 1,
    });
    const listed = await c.inTenant((tx) => listMassMailings(tx, c.scope, c.divisionId));
    expect(listed.map((m) => [m.id, m.counts.ready])).toEqual([
      [newer.mailing.id, 0],
      [older.mailing.id, 1],
    ]);
  });
});

describe("unsubscribing", () => {
  it("a token names its contact and tenant; a changed, cut or foreign token names nobody", () => {
    const contact = { id: crypto.randomUUID(), tenantId: crypto.randomUUID() };
    const token = unsubscribeToken(contact);
    expect(readUnsubscribeToken(token)).toEqual({ contactId: contact.id, tenantId: contact.tenantId });

    const bytes = Buffer.from(token, "base64url");
    for (const index of [0, 20, bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[index]! ^= 1;
      expect(readUnsubscribeToken(tampered.toString("base64url")), `byte ${index}`).toBeNull();
    }
    // Another contact's id with this token's signature.
    const swapped = Buffer.concat([Buffer.from(crypto.randomUUID().replace(/-/g, ""), "hex"), bytes.subarray(16)]);
    expect(readUnsubscribeToken(swapped.toString("base64url"))).toBeNull();
    expect(readUnsubscribeToken(token.slice(0, -2))).toBeNull();
    expect(readUnsubscribeToken(`${token}AA`)).toBeNull();
    expect(readUnsubscribeToken("not a token!")).toBeNull();
    expect(readUnsubscribeToken("")).toBeNull();
  });

  it("a link sent before the secret key was rotated still works", () => {
    const contact = { id: crypto.randomUUID(), tenantId: crypto.randomUUID() };
    const oldKey = `old:${crypto.randomBytes(32).toString("base64")}`;
    const newKey = `new:${crypto.randomBytes(32).toString("base64")}`;
    try {
      vi.stubEnv("POSTDESK_SECRET_KEY", oldKey);
      const token = unsubscribeToken(contact);
      vi.stubEnv("POSTDESK_SECRET_KEY", `${newKey},${oldKey}`);
      expect(readUnsubscribeToken(token)).toEqual({ contactId: contact.id, tenantId: contact.tenantId });
      expect(unsubscribeToken(contact)).not.toBe(token);
      vi.stubEnv("POSTDESK_SECRET_KEY", newKey);
      expect(readUnsubscribeToken(token)).toBeNull();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("needs no session, keeps the first date when repeated, and the contact gets no further mass mail", async () => {
    const c = await company();
    const token = unsubscribeToken({ id: c.ada.id, tenantId: c.tenant.id });
    expect(await isUnsubscribed(db, operatorScope(c.tenant.id), { address: c.ada.email.toUpperCase() })).toBe(false);

    const first = new Date("2030-02-01T00:00:00Z");
    expect(await unsubscribeContact(db, token, first)).toBe(true);
    expect(await unsubscribeContact(db, token, new Date("2030-03-01T00:00:00Z"))).toBe(true);
    const [ada] = await db.select().from(schema.contacts).where(eq(schema.contacts.id, c.ada.id));
    expect(ada!.unsubscribedAt).toEqual(first);
    const audits = await db
      .select()
      .from(schema.auditLog)
      .where(and(eq(schema.auditLog.tenantId, c.tenant.id), eq(schema.auditLog.action, "contact.unsubscribed")));
    expect(audits).toHaveLength(1);

    expect(await isUnsubscribed(db, operatorScope(c.tenant.id), { address: c.ada.email.toUpperCase() })).toBe(true);
    // The same address in another tenant is another contact.
    expect(await isUnsubscribed(db, operatorScope(crypto.randomUUID()), { address: c.ada.email })).toBe(false);

    const outcome = await c.inTenant((tx) =>
      sendMassMail(tx, c.scope, { divisionId: c.divisionId, contactIds: [c.ada.id, c.nameless.id], subject: "Hi", body: BODY }),
    );
    expect(outcome).toMatchObject({ queued: 1, skippedUnsubscribed: 1 });
  });

  it("a token for a contact that does not exist, or an invalid one, unsubscribes nobody", async () => {
    const c = await company();
    expect(await unsubscribeContact(db, unsubscribeToken({ id: crypto.randomUUID(), tenantId: c.tenant.id }))).toBe(false);
    expect(await unsubscribeContact(db, "bogus")).toBe(false);
    const [ada] = await db.select().from(schema.contacts).where(eq(schema.contacts.id, c.ada.id));
    expect(ada!.unsubscribedAt).toBeNull();
  });

  it("the List-Unsubscribe address unsubscribes on a one-click POST (RFC 8058) and sends a visitor to the page in their language", async () => {
    const { GET, POST } = await import("@/app/unsubscribe/[token]/route");
    const c = await company();
    const token = unsubscribeToken({ id: c.ada.id, tenantId: c.tenant.id });
    const url = appUrl(`/unsubscribe/${token}`);
    const context = { params: Promise.resolve({ token }) };

    const visit = await GET(new Request(url, { headers: { "accept-language": "de-DE, pl;q=0.8, en;q=0.5" } }), context);
    expect(visit.status).toBe(303);
    expect(visit.headers.get("location")).toBe(`/pl/unsubscribe/${token}`);
    const chosen = await GET(new Request(url, { headers: { "accept-language": "pl", cookie: "NEXT_LOCALE=en" } }), context);
    expect(chosen.headers.get("location")).toBe(`/en/unsubscribe/${token}`);
    let [ada] = await db.select().from(schema.contacts).where(eq(schema.contacts.id, c.ada.id));
    expect(ada!.unsubscribedAt).toBeNull();

    const stray = await POST(new Request(url, { method: "POST", body: new URLSearchParams({ other: "1" }) }), context);
    expect(stray.status).toBe(400);
    const oneClick = await POST(
      new Request(url, { method: "POST", body: new URLSearchParams({ "List-Unsubscribe": "One-Click" }) }),
      context,
    );
    expect(oneClick.status).toBe(200);
    [ada] = await db.select().from(schema.contacts).where(eq(schema.contacts.id, c.ada.id));
    expect(ada!.unsubscribedAt).not.toBeNull();

    const forged = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    const refused = await POST(
      new Request(url, { method: "POST", body: new URLSearchParams({ "List-Unsubscribe": "One-Click" }) }),
      { params: Promise.resolve({ token: forged }) },
    );
    expect(refused.status).toBe(404);
  });
});
