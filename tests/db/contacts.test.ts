import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { updateContact } from "../../lib/contacts/contacts";
import { listContacts } from "../../lib/contacts/directory";
import { getContact, otherOpenTickets } from "../../lib/contacts/history";
import { NotFoundError, RuleError } from "../../lib/errors";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

type TicketSeed = Partial<typeof schema.tickets.$inferInsert> & { subject: string };

/** A company whose owner works its contacts; `contact` and `ticket` add rows to it. */
async function desk(name = "Customers") {
  const owner = await makeTenant(db, name);
  const tenantId = owner.tenant.id;
  const scope: TenantScope = { tenantId, userId: owner.user.id, role: "owner" };
  const run = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, tenantId, work);
  const [division] = await run((tx) => tx.select().from(schema.divisions).where(eq(schema.divisions.id, owner.divisionId)));
  let number = 0;
  return {
    tenantId,
    scope,
    run,
    tag: division!.tag,
    async contact(email: string, values: { name?: string; organization?: string } = {}) {
      const [row] = await run((tx) => tx.insert(schema.contacts).values({ tenantId, email, ...values }).returning());
      return row!;
    },
    async ticket(contactId: string | null, seed: TicketSeed) {
      number += 1;
      const [row] = await run((tx) =>
        tx.insert(schema.tickets).values({ tenantId, divisionId: owner.divisionId, number, contactId, ...seed }).returning(),
      );
      return row!;
    },
  };
}

/** Every contact of the list, page after page of `limit`, as the "next page" link walks it. */
async function walkPages(d: Awaited<ReturnType<typeof desk>>, input: { query?: string; limit: number }) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await d.run((tx) => listContacts(tx, d.scope, { ...input, cursor }));
    pages.push(page.contacts.map((contact) => contact.email));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 20);
  return pages;
}

describe("the contacts list", () => {
  it("finds a contact by part of their address, name or organization, in any case, with LIKE's wildcards taken literally", async () => {
    const d = await desk();
    await d.contact("jan.kowalski@firma.test", { name: "Jan Kowalski", organization: "Firma Budowlana" });
    await d.contact("anna@sklep.test", { name: "Anna Nowak", organization: "Sklep 100%" });
    await d.contact("support_bot@vendor.test");
    const found = async (query: string) =>
      (await d.run((tx) => listContacts(tx, d.scope, { query }))).contacts.map((contact) => contact.email);

    expect(await found("KOWAL")).toEqual(["jan.kowalski@firma.test"]);
    expect(await found("nowak")).toEqual(["anna@sklep.test"]);
    expect(await found("budowl")).toEqual(["jan.kowalski@firma.test"]);
    expect(await found("@sklep")).toEqual(["anna@sklep.test"]);
    expect(await found("100%")).toEqual(["anna@sklep.test"]);
    expect(await found("%")).toEqual(["anna@sklep.test"]);
    expect(await found("t_b")).toEqual(["support_bot@vendor.test"]);
    expect(await found("  ")).toHaveLength(3);
    expect(await found("nobody")).toEqual([]);
  });

  it("lists by name (by address when the name is unknown) and pages through every contact exactly once", async () => {
    const d = await desk();
    const emails = [
      ["zofia@a.test", "Zofia"],
      ["adam@a.test", "adam"],
      ["ben@a.test", null],
      ["carl1@a.test", "Carl"],
      ["carl2@a.test", "Carl"],
      ["carl3@a.test", "Carl"],
      ["dora@a.test", "Dora"],
    ] as const;
    for (const [email, name] of emails) await d.contact(email, name ? { name } : {});

    const pages = await walkPages(d, { limit: 3 });
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    const walked = pages.flat();
    expect(walked.slice(0, 2)).toEqual(["adam@a.test", "ben@a.test"]);
    expect(walked.slice(2, 5).sort()).toEqual(["carl1@a.test", "carl2@a.test", "carl3@a.test"]);
    expect(walked.slice(5)).toEqual(["dora@a.test", "zofia@a.test"]);
    expect(new Set(walked).size).toBe(emails.length);

    const first = await d.run((tx) => listContacts(tx, d.scope, { limit: 3 }));
    expect(first.total).toBe(7);
    // A page that ends exactly at the last contact has no next page.
    expect((await d.run((tx) => listContacts(tx, d.scope, { limit: 7 }))).nextCursor).toBeNull();
    // A search pages too, and counts what it matches.
    expect((await walkPages(d, { query: "carl", limit: 2 })).map((page) => page.length)).toEqual([2, 1]);
    expect((await d.run((tx) => listContacts(tx, d.scope, { query: "carl", limit: 2 }))).total).toBe(3);
    // A token that is not one of ours starts from the beginning rather than failing.
    expect((await d.run((tx) => listContacts(tx, d.scope, { cursor: "garbage", limit: 3 }))).contacts[0]!.email).toBe(
      "adam@a.test",
    );
  });

  it("counts each contact's open tickets and all their tickets, leaving out the trashed and the merged, with the last change", async () => {
    const d = await desk();
    const busy = await d.contact("busy@c.test", { name: "Busy" });
    const quiet = await d.contact("quiet@c.test", { name: "Quiet" });
    const latest = new Date("2026-03-04T10:00:00Z");
    await d.ticket(busy.id, { subject: "Open", status: "open", updatedAt: new Date("2026-03-01T10:00:00Z") });
    await d.ticket(busy.id, { subject: "Answered", status: "answered", updatedAt: latest });
    await d.ticket(busy.id, { subject: "Closed", status: "closed", updatedAt: new Date("2026-03-02T10:00:00Z") });
    const survivor = await d.ticket(busy.id, { subject: "On hold", status: "on_hold", updatedAt: new Date("2026-03-01T12:00:00Z") });
    await d.ticket(busy.id, { subject: "Trashed", deletedAt: new Date(), updatedAt: new Date("2026-04-01T00:00:00Z") });
    await d.ticket(busy.id, { subject: "Merged", mergedIntoId: survivor.id, updatedAt: new Date("2026-04-01T00:00:00Z") });

    const { contacts } = await d.run((tx) => listContacts(tx, d.scope));
    expect(contacts.map(({ email, openTicketCount, ticketCount, lastActivityAt }) => ({ email, openTicketCount, ticketCount, lastActivityAt }))).toEqual([
      { email: busy.email, openTicketCount: 3, ticketCount: 4, lastActivityAt: latest },
      { email: quiet.email, openTicketCount: 0, ticketCount: 0, lastActivityAt: null },
    ]);
  });

  it("never lists or finds another company's contacts", async () => {
    const ours = await desk("Ours");
    const theirs = await desk("Theirs");
    const stranger = await theirs.contact("shared-name@theirs.test", { name: "Shared Name", organization: "Shared Org" });
    const strangerTicket = await theirs.ticket(stranger.id, { subject: "Theirs" });
    await ours.contact("mine@ours.test", { name: "Shared Name" });

    const listed = await ours.run((tx) => listContacts(tx, ours.scope, { query: "shared" }));
    expect(listed.contacts.map((contact) => contact.email)).toEqual(["mine@ours.test"]);
    expect(listed.total).toBe(1);
    await expect(ours.run((tx) => getContact(tx, ours.scope, stranger.id))).rejects.toBeInstanceOf(NotFoundError);
    await expect(ours.run((tx) => updateContact(tx, ours.scope, stranger.id, { notes: "mine now" }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(ours.run((tx) => otherOpenTickets(tx, ours.scope, { ticketId: strangerTicket.id }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const [unchanged] = await theirs.run((tx) => tx.select().from(schema.contacts).where(eq(schema.contacts.id, stranger.id)));
    expect(unchanged!.notes).toBeNull();
  });
});

describe("a contact's page", () => {
  it("lists their tickets of every status, newest first, with the division's tag, without the trashed or merged", async () => {
    const d = await desk();
    const customer = await d.contact("history@c.test", { name: "History" });
    const other = await d.contact("other@c.test");
    const first = await d.ticket(customer.id, { subject: "First", status: "closed", createdAt: new Date("2026-01-01T00:00:00Z") });
    const second = await d.ticket(customer.id, { subject: "Second", status: "answered", createdAt: new Date("2026-02-01T00:00:00Z") });
    const third = await d.ticket(customer.id, { subject: "Third", createdAt: new Date("2026-03-01T00:00:00Z") });
    await d.ticket(customer.id, { subject: "Trashed", deletedAt: new Date(), createdAt: new Date("2026-04-01T00:00:00Z") });
    await d.ticket(customer.id, { subject: "Merged", mergedIntoId: third.id, createdAt: new Date("2026-04-02T00:00:00Z") });
    await d.ticket(other.id, { subject: "Someone else's" });

    const page = await d.run((tx) => getContact(tx, d.scope, customer.id));
    expect(page.contact.email).toBe("history@c.test");
    expect(page.tickets.map(({ id, divisionTag, number, subject, status }) => ({ id, divisionTag, number, subject, status }))).toEqual([
      { id: third.id, divisionTag: d.tag, number: third.number, subject: "Third", status: "open" },
      { id: second.id, divisionTag: d.tag, number: second.number, subject: "Second", status: "answered" },
      { id: first.id, divisionTag: d.tag, number: first.number, subject: "First", status: "closed" },
    ]);
    expect(page.activity).toMatchObject({ openTicketCount: 2, ticketCount: 3 });
  });

  it("saves the name, organization and notes, clears a blank one, leaves out what was not given, and records which changed", async () => {
    const d = await desk();
    const customer = await d.contact("edit@c.test", { name: "Edit Me", organization: "Old Org" });

    const updated = await d.run((tx) =>
      updateContact(tx, d.scope, customer.id, { organization: "  Nowa Firma sp. z o.o. ", notes: "Prefers phone calls.\nVIP." }),
    );
    expect([updated.name, updated.organization, updated.notes]).toEqual(["Edit Me", "Nowa Firma sp. z o.o.", "Prefers phone calls.\nVIP."]);
    const cleared = await d.run((tx) => updateContact(tx, d.scope, customer.id, { name: " ", organization: "Nowa Firma sp. z o.o." }));
    expect([cleared.name, cleared.organization, cleared.notes]).toEqual([null, "Nowa Firma sp. z o.o.", "Prefers phone calls.\nVIP."]);

    const audit = await d.run((tx) =>
      tx
        .select({ action: schema.auditLog.action, actor: schema.auditLog.actorUserId, details: schema.auditLog.details })
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.tenantId, d.tenantId), eq(schema.auditLog.targetId, customer.id)))
        .orderBy(schema.auditLog.id),
    );
    expect(audit).toEqual([
      { action: "contact.updated", actor: d.scope.userId, details: { changed: ["organization", "notes"] } },
      { action: "contact.updated", actor: d.scope.userId, details: { changed: ["name"] } },
    ]);
  });

  it("refuses a name, organization or notes that are too long, and changes nothing", async () => {
    const d = await desk();
    const customer = await d.contact("long@c.test", { organization: "Kept" });
    const saving = d.run((tx) =>
      updateContact(tx, d.scope, customer.id, { organization: "x".repeat(201), notes: "y".repeat(10_001), name: "Fine" }),
    );
    await expect(saving).rejects.toBeInstanceOf(RuleError);
    await expect(saving).rejects.toMatchObject({ fieldErrors: { organization: ["tooLong"], notes: ["tooLong"] } });
    const { contact } = await d.run((tx) => getContact(tx, d.scope, customer.id));
    expect([contact.name, contact.organization]).toEqual([null, "Kept"]);
  });
});

describe("the ticket's sidebar", () => {
  it("shows the customer's other open tickets, most recently updated first, at most five", async () => {
    const d = await desk();
    const customer = await d.contact("sidebar@c.test");
    const current = await d.ticket(customer.id, { subject: "This one" });
    const open = [];
    for (let i = 1; i <= 6; i += 1) {
      open.push(
        await d.ticket(customer.id, {
          subject: `Other ${i}`,
          status: i % 2 === 0 ? "on_hold" : "open",
          updatedAt: new Date(Date.UTC(2026, 0, i)),
        }),
      );
    }
    await d.ticket(customer.id, { subject: "Closed", status: "closed", updatedAt: new Date("2026-06-01T00:00:00Z") });
    await d.ticket(customer.id, { subject: "Trashed", deletedAt: new Date(), updatedAt: new Date("2026-06-01T00:00:00Z") });
    await d.ticket(null, { subject: "Nobody's" });

    const shown = await d.run((tx) => otherOpenTickets(tx, d.scope, { ticketId: current.id }));
    expect(shown.map((ticket) => ticket.subject)).toEqual(["Other 6", "Other 5", "Other 4", "Other 3", "Other 2"]);
    expect(shown[0]).toMatchObject({ id: open[5]!.id, divisionTag: d.tag, status: "on_hold" });

    const lone = await d.ticket(null, { subject: "No contact" });
    expect(await d.run((tx) => otherOpenTickets(tx, d.scope, { ticketId: lone.id }))).toEqual([]);
  });
});
