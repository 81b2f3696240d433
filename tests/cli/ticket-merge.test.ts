import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages, outbox, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";

const db = await testDatabase();

/** A division whose tickets 1 (Jan) and 2 (Anna) came in by mail, Jan's with a second mail on it. */
async function helpDesk() {
  const company = await makeTenant(db, "Cli Merge");
  const tenantId = company.tenant.id;
  const receive = async (raw: Buffer) => {
    const { email } = await storeInboundEmail(db, {
      tenantId,
      divisionId: company.divisionId,
      mailboxId: null,
      uniqueKey: inboundKey.import(raw),
      raw,
    });
    return processInboundEmail(db, { tenantId, inboundEmailId: email.id });
  };
  const jan = await receive(mail({ from: "jan@customer.test", subject: "Printer", messageId: "cli-1@customer.test" }));
  await receive(mail({ from: "ola@customer.test", subject: "Re: Printer", inReplyTo: "cli-1@customer.test", messageId: "cli-2@customer.test" }));
  const anna = await receive(mail({ from: "anna@customer.test", subject: "Scanner" }));
  const read = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, tenantId, work);
  return { company, divisionId: company.divisionId, janTicket: jan.ticketId!, annaTicket: anna.ticketId!, read, scope: operatorScope(tenantId) };
}

describe("postdesk ticket merge and split", () => {
  it("merges ticket 2 into ticket 1, printed as one JSON value, without mailing anyone", async () => {
    const desk = await helpDesk();
    const outboxBefore = await desk.read((tx) => tx.select().from(outbox).where(eq(outbox.tenantId, desk.company.tenant.id)));
    const merged = json(await postdesk(["ticket", "merge", "--division", desk.divisionId, "--number", "2", "--into", "1", "--json"]));
    expect(merged).toEqual({
      source: { id: desk.annaTicket, number: 2, mergedIntoId: desk.janTicket, status: "closed" },
      target: { id: desk.janTicket, number: 1, status: "open" },
    });
    const moved = await desk.read((tx) => tx.select().from(messages).where(eq(messages.ticketId, desk.janTicket)));
    expect(moved.map((m) => m.fromAddress).sort()).toEqual(["anna@customer.test", "jan@customer.test", "ola@customer.test"]);
    const outboxAfter = await desk.read((tx) => tx.select().from(outbox).where(eq(outbox.tenantId, desk.company.tenant.id)));
    expect(outboxAfter).toHaveLength(outboxBefore.length);

    const shownMerged = json(await postdesk(["ticket", "show", "--division", desk.divisionId, "--number", "2", "--json"]));
    expect(shownMerged).toMatchObject({ mergedInto: { id: desk.janTicket, number: 1 }, messages: [] });
    const shownSurvivor = await postdesk(["ticket", "show", "--division", desk.divisionId, "--number", "1"]);
    expect(shownSurvivor.stdout).toMatch(/^merged here +\[[A-Z0-9]+#2\]$/m);

    const human = await postdesk(["ticket", "merge", "--division", desk.divisionId, "--number", "2", "--into", "1"]);
    expect(human.code).toBe(2);
    expect(human.stderr).toContain("ticketAlreadyMerged");
  });

  it("refuses a malformed --into and an unknown ticket", async () => {
    const desk = await helpDesk();
    const malformed = await postdesk(["ticket", "merge", "--division", desk.divisionId, "--number", "2", "--into", "x"]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("--into: must be a ticket number");
    const unknown = await postdesk(["ticket", "merge", "--division", desk.divisionId, "--number", "2", "--into", "99", "--json"]);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stderr)).toMatchObject({ error: { code: "not_found" } });
  });

  it("splits Ola's message out of ticket 1 into ticket 3 for her", async () => {
    const desk = await helpDesk();
    const shown = json<{ messages: { id: string; from: { address: string } }[] }>(
      await postdesk(["ticket", "show", "--division", desk.divisionId, "--number", "1", "--json"]),
    );
    const ola = shown.messages.find((m) => m.from.address === "ola@customer.test")!;
    const split = json(await postdesk(["ticket", "split", "--division", desk.divisionId, "--number", "1", "--message", ola.id, "--json"]));
    expect(split).toMatchObject({ number: 3, subject: "Re: Printer", from: { id: desk.janTicket, number: 1 } });
    const [message] = await desk.read((tx) => tx.select().from(messages).where(eq(messages.id, ola.id)));
    expect(message!.ticketId).toBe(split.id);
    const [ticket] = await desk.read((tx) =>
      tx.select().from(tickets).where(and(eq(tickets.id, split.id), eq(tickets.divisionId, desk.divisionId))),
    );
    expect(ticket!.number).toBe(3);

    // Not a message of the ticket named: not found, and nothing moves.
    const elsewhere = await postdesk(["ticket", "split", "--division", desk.divisionId, "--number", "2", "--message", ola.id]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain("message not found");
    // Ticket 2's only message stays.
    const anna = json<{ messages: { id: string }[] }>(
      await postdesk(["ticket", "show", "--division", desk.divisionId, "--number", "2", "--json"]),
    );
    const only = await postdesk(["ticket", "split", "--division", desk.divisionId, "--number", "2", "--message", anna.messages[0]!.id]);
    expect(only.code).toBe(2);
    expect(only.stderr).toContain("splitOnlyMessage");
  });
});
