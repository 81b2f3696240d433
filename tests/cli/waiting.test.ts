import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { divisions, inboundEmails, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { createDivision, updateDivisionSettings } from "../../lib/divisions/divisions";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";

const db = await testDatabase();

/** A company in "waiting list" mode, and a way to hold a mail there. */
async function heldDesk() {
  const company = await makeTenant(db, "Cli Waiting");
  const tenantId = company.tenant.id;
  const scope = operatorScope(tenantId);
  await withTenant(db, tenantId, (tx) =>
    updateDivisionSettings(tx, scope, company.divisionId, { tag: "CW", automationMode: "waiting_list" }),
  );
  const hold = async (raw: Buffer) => {
    const { email } = await storeInboundEmail(db, {
      tenantId,
      divisionId: company.divisionId,
      mailboxId: null,
      uniqueKey: inboundKey.import(raw),
      raw,
    });
    return (await processInboundEmail(db, { tenantId, inboundEmailId: email.id })).inboundEmailId;
  };
  const row = (id: string) =>
    withTenant(db, tenantId, async (tx) => (await tx.select().from(inboundEmails).where(eq(inboundEmails.id, id)))[0]!);
  const division = company.divisionId;
  return { company, tenantId, scope, hold, row, division };
}

describe("postdesk waiting", () => {
  it("lists a division's held mail and shows one: from, subject, date, reason, decision and text", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ subject: "Where is my order?", body: "Order 77 never came." }));
    const listed = json<Record<string, unknown>[]>(await postdesk(["waiting", "list", "--division", desk.division, "--json"]));
    expect(listed).toEqual([
      expect.objectContaining({ id, reason: "automationMode", subject: "Where is my order?", from: { address: "jan@customer.test", name: "Jan Kowalski" } }),
    ]);
    const shown = json(await postdesk(["waiting", "show", "--division", desk.division, "--id", id, "--json"]));
    expect(shown).toMatchObject({ id, reason: "automationMode", decision: null, waiting: true, mail: { subject: "Where is my order?" } });
    expect(shown.mail.text).toContain("Order 77 never came.");

    const human = await postdesk(["waiting", "show", "--division", desk.division, "--id", id]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/from\s+Jan Kowalski <jan@customer.test>/);
    expect(human.stdout).toMatch(/held because\s+the division holds every new mail/);
    expect(human.stdout).toMatch(/decision\s+none yet/);
    expect(human.stdout).toContain("Order 77 never came.");
  });

  it("convert makes a held mail a ticket with one command, in a chosen division and team", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ subject: "Make me a ticket" }));
    const converted = json(await postdesk(["waiting", "convert", "--division", desk.division, "--id", id, "--json"]));
    expect(converted).toMatchObject({ inboundEmailId: id, decision: "converted", outcome: "ticket_created", ticketNumber: 1 });
    expect(await desk.row(id)).toMatchObject({ outcome: "ticket_created", ticketId: converted.ticketId, decision: "converted" });

    const sales = await withTenant(db, desk.tenantId, (tx) => createDivision(tx, desk.scope, { name: "Sales", tag: "CWS" }));
    const team = json(await postdesk(["team", "create", "--division", sales.id, "--name", "Closers", "--json"]));
    const other = await desk.hold(mail({ subject: "For sales" }));
    const moved = json(
      await postdesk(["waiting", "convert", "--division", desk.division, "--id", other, "--to-division", sales.id, "--team", team.id, "--json"]),
    );
    const [ticket] = await withTenant(db, desk.tenantId, (tx) => tx.select().from(tickets).where(eq(tickets.id, moved.ticketId)));
    expect(ticket).toMatchObject({ divisionId: sales.id, teamId: team.id, number: 1 });

    const human = await postdesk(["waiting", "convert", "--division", desk.division, "--id", await desk.hold(mail({ subject: "Third" }))]);
    expect(human.stdout).toBe("Made the entry ticket [CW#2].\n");
  });

  it("attach puts a held mail on a ticket by its number", async () => {
    const desk = await heldDesk();
    const first = json(await postdesk(["waiting", "convert", "--division", desk.division, "--id", await desk.hold(mail({ subject: "Original" })), "--json"]));
    const id = await desk.hold(mail({ subject: "More about it" }));
    const attached = json(await postdesk(["waiting", "attach", "--division", desk.division, "--id", id, "--number", "1", "--json"]));
    expect(attached).toMatchObject({ decision: "attached", outcome: "ticket_message", ticketId: first.ticketId });
    const shown = json(await postdesk(["ticket", "show", "--division", desk.division, "--number", "1", "--json"]));
    expect(shown.messages.map((m: { subject: string }) => m.subject)).toEqual(["Original", "More about it"]);

    const missing = await postdesk(["waiting", "attach", "--division", desk.division, "--id", await desk.hold(mail({ subject: "x" })), "--number", "99", "--json"]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stderr).error.code).toBe("not_found");
  });

  it("register makes the sender a contact and the mail a ticket", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ from: "Ola <ola@new.test>", subject: "Hello" }));
    const registered = json(await postdesk(["waiting", "register", "--division", desk.division, "--id", id, "--json"]));
    expect(registered).toMatchObject({ decision: "registered", outcome: "ticket_created" });
    const shown = json(await postdesk(["ticket", "show", "--division", desk.division, "--number", "1", "--json"]));
    expect(shown.contact).toEqual({ email: "ola@new.test", name: "Ola" });
  });

  it("spam blocks the mail and --block-domain puts its domain on the spam list", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ from: "deals@junk.test", subject: "Win" }));
    const spam = json(await postdesk(["waiting", "spam", "--division", desk.division, "--id", id, "--block-domain", "--json"]));
    expect(spam).toMatchObject({ decision: "spam", outcome: "blocked", blockedDomain: "junk.test" });
    const [division] = await withTenant(db, desk.tenantId, (tx) => tx.select().from(divisions).where(eq(divisions.id, desk.division)));
    expect(division!.spamDomains).toEqual(["junk.test"]);
  });

  it("release runs the current rules again, and delete moves the entry to the trash", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ subject: "Let me through" }));
    await withTenant(db, desk.tenantId, (tx) =>
      updateDivisionSettings(tx, desk.scope, desk.division, { automationMode: "convert_and_register" }),
    );
    const released = json(await postdesk(["waiting", "release", "--division", desk.division, "--id", id, "--json"]));
    expect(released).toMatchObject({ decision: "released", outcome: "ticket_created" });

    await withTenant(db, desk.tenantId, (tx) => updateDivisionSettings(tx, desk.scope, desk.division, { automationMode: "waiting_list" }));
    const gone = await desk.hold(mail({ subject: "Delete me" }));
    const deleted = json(await postdesk(["waiting", "delete", "--division", desk.division, "--id", gone, "--json"]));
    expect(deleted).toMatchObject({ decision: "deleted", outcome: "waiting_list" });
    expect((await desk.row(gone)).deletedAt).not.toBeNull();
    expect(json<unknown[]>(await postdesk(["waiting", "list", "--division", desk.division, "--json"]))).toEqual([]);
  });

  it("refuses a second decision with exit code 1, and an entry of another division is not found", async () => {
    const desk = await heldDesk();
    const id = await desk.hold(mail({ subject: "Once" }));
    json(await postdesk(["waiting", "delete", "--division", desk.division, "--id", id, "--json"]));
    const again = await postdesk(["waiting", "convert", "--division", desk.division, "--id", id, "--json"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr).error).toMatchObject({ code: "already_decided", message: expect.stringContaining("no longer waiting") });

    const other = await heldDesk();
    const elsewhere = await postdesk(["waiting", "show", "--division", other.division, "--id", await desk.hold(mail({ subject: "Not yours" })), "--json"]);
    expect(elsewhere.code).toBe(1);
    expect(JSON.parse(elsewhere.stderr).error.code).toBe("not_found");

    const badId = await postdesk(["waiting", "show", "--division", desk.division, "--id", "nope", "--json"]);
    expect(badId.code).toBe(2);
  });
});
