import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { inboundEmails, messages, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { createDivision, updateDivisionSettings } from "../../lib/divisions/divisions";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";

const db = await testDatabase();

/** A company with one ticket made from a customer's mail, and a second division. */
async function company() {
  const base = await makeTenant(db, "Cli Trash");
  const scope = operatorScope(base.tenant.id);
  const otherDivisionId = await withTenant(db, base.tenant.id, async (tx) => {
    await updateDivisionSettings(tx, scope, base.divisionId, { tag: "BIN", sendConfirmations: false });
    return (await createDivision(tx, scope, { name: "Sales", tag: "SALES" })).id;
  });
  const raw = mail({ subject: "Forget my order" });
  const { email } = await storeInboundEmail(db, {
    tenantId: base.tenant.id,
    divisionId: base.divisionId,
    mailboxId: null,
    uniqueKey: inboundKey.import(raw),
    raw,
  });
  const { ticketId } = await processInboundEmail(db, { tenantId: base.tenant.id, inboundEmailId: email.id });
  return { ...base, otherDivisionId, ticketId: ticketId!, inboundEmailId: email.id };
}

describe("postdesk trash", () => {
  it("moves a ticket to the trash, lists it, restores it, and purges it for good with --json", async () => {
    const c = await company();
    const item = ["--division", c.divisionId, "--kind", "ticket", "--id", c.ticketId, "--json"];
    expect(json(await postdesk(["trash", "delete", ...item]))).toEqual({ kind: "ticket", id: c.ticketId, trashed: true });

    const listed = json<Record<string, unknown>[]>(await postdesk(["trash", "list", "--division", c.divisionId, "--json"]));
    expect(listed).toEqual([
      expect.objectContaining({ kind: "ticket", id: c.ticketId, ticketNumber: 1, subject: "Forget my order", deletedBy: null }),
    ]);
    // Another division's trash does not hold it, and cannot act on it.
    expect(json(await postdesk(["trash", "list", "--division", c.otherDivisionId, "--json"]))).toEqual([]);
    const elsewhere = await postdesk(["trash", "purge", "--division", c.otherDivisionId, "--kind", "ticket", "--id", c.ticketId]);
    expect(elsewhere.code).toBe(1);

    expect(json(await postdesk(["trash", "restore", ...item]))).toEqual({ kind: "ticket", id: c.ticketId, restored: true });
    const [restored] = await withTenant(db, c.tenant.id, (tx) => tx.select().from(tickets).where(eq(tickets.id, c.ticketId)));
    expect(restored!.deletedAt).toBeNull();

    // Only what is in the trash is purged.
    const refused = await postdesk(["trash", "purge", ...item.slice(0, -1)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("notInTrash");

    json(await postdesk(["trash", "delete", ...item]));
    expect(json(await postdesk(["trash", "purge", ...item]))).toMatchObject({
      kind: "ticket",
      purged: { tickets: 1, messages: 1, inboundEmails: 1 },
    });
    await withTenant(db, c.tenant.id, async (tx) => {
      expect(await tx.select().from(tickets).where(eq(tickets.id, c.ticketId))).toEqual([]);
      expect(await tx.select().from(messages).where(eq(messages.ticketId, c.ticketId))).toEqual([]);
      const [row] = await tx
        .select({ bytes: sql<number>`octet_length(${inboundEmails.raw})`.mapWith(Number) })
        .from(inboundEmails)
        .where(eq(inboundEmails.id, c.inboundEmailId));
      expect(row!.bytes).toBe(0);
    });
  });

  it("empties a division's trash, and refuses a kind it does not know", async () => {
    const c = await company();
    const bad = await postdesk(["trash", "delete", "--division", c.divisionId, "--kind", "folder", "--id", c.ticketId]);
    expect(bad.code).toBe(2);
    json(await postdesk(["trash", "delete", "--division", c.divisionId, "--kind", "ticket", "--id", c.ticketId, "--json"]));
    expect(json(await postdesk(["trash", "empty", "--division", c.divisionId, "--json"]))).toMatchObject({ tickets: 1 });
    expect(json(await postdesk(["trash", "list", "--division", c.divisionId, "--json"]))).toEqual([]);
  });
});
