import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Transaction } from "../../db/client";
import { mailboxes, teams, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { createDivision } from "../../lib/divisions/divisions";
import { nextTicketNumber } from "../../lib/tickets/numbering";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

/** A company with a second division, a mailbox in each, and a ticket in the first. */
async function company() {
  const base = await makeTenant(db, "Cli Teams");
  const scope = operatorScope(base.tenant.id);
  const suffix = crypto.randomBytes(4).toString("hex");
  const ids = await withTenant(db, base.tenant.id, async (tx) => {
    const sales = await createDivision(tx, scope, { name: "Sales", tag: `S${suffix.toUpperCase()}` });
    const [ticket] = await tx
      .insert(tickets)
      .values({
        tenantId: base.tenant.id,
        divisionId: base.divisionId,
        number: await nextTicketNumber(tx, scope, base.divisionId),
        subject: "Printer on fire",
      })
      .returning();
    return {
      salesId: sales.id,
      ticketId: ticket!.id,
      supportMailboxId: await addMailbox(tx, base.tenant.id, base.divisionId, `support-${suffix}@cli.test`),
      salesMailboxId: await addMailbox(tx, base.tenant.id, sales.id, `sales-${suffix}@cli.test`),
    };
  });
  return { ...base, ...ids };
}

async function addMailbox(tx: Transaction, tenantId: string, divisionId: string, address: string) {
  const [mailbox] = await tx
    .insert(mailboxes)
    .values({
      tenantId,
      divisionId,
      name: "Support",
      address,
      protocol: "imap",
      host: "imap.cli.test",
      port: 993,
      security: "tls",
      username: address,
    })
    .returning();
  return mailbox!.id;
}

describe("postdesk team", () => {
  it("creates a team that sends from a mailbox of its division, printed as one JSON value, and lists it", async () => {
    const c = await company();
    const created = json(
      await postdesk([
        "team", "create", "--division", c.divisionId, "--name", "First line", "--mailbox", c.supportMailboxId, "--json",
      ]),
    );
    expect(created).toMatchObject({
      divisionId: c.divisionId,
      name: "First line",
      outboundMailbox: { id: c.supportMailboxId, address: expect.stringMatching(/^support-/) },
    });
    const listed = json<Record<string, unknown>[]>(await postdesk(["team", "list", "--division", c.divisionId, "--json"]));
    expect(listed).toEqual([expect.objectContaining({ id: created.id, name: "First line", memberCount: 0 })]);
  });

  it("refuses a mailbox of another division with exit code 2, naming --mailbox, and creates nothing", async () => {
    const c = await company();
    const run = await postdesk([
      "team", "create", "--division", c.divisionId, "--name", "First line", "--mailbox", c.salesMailboxId, "--json",
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(JSON.parse(run.stderr)).toEqual({
      error: {
        code: "invalid_input",
        message: "invalid input",
        fields: { "--mailbox": ["must be the id of one of the division's mailboxes, from `mailbox list`"] },
      },
    });
    expect(await db.select().from(teams).where(eq(teams.tenantId, c.tenant.id))).toEqual([]);
  });

  it("refuses a name the division's teams already have, naming --name", async () => {
    const c = await company();
    json(await postdesk(["team", "create", "--division", c.divisionId, "--name", "First line", "--json"]));
    const run = await postdesk(["team", "create", "--division", c.divisionId, "--name", "first LINE"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--name: is already the name of another team of this division");
  });
});

describe("postdesk ticket move and assign", () => {
  it("moves a ticket to another division, where it takes the next number and a team of that division", async () => {
    const c = await company();
    const team = json(await postdesk(["team", "create", "--division", c.salesId, "--name", "Deals", "--json"]));
    const moved = json(
      await postdesk([
        "ticket", "move", "--division", c.divisionId, "--number", "1", "--to-division", c.salesId, "--team", team.id, "--json",
      ]),
    );
    expect(moved).toEqual({
      id: c.ticketId,
      divisionId: c.salesId,
      number: 1,
      teamId: team.id,
      from: { divisionId: c.divisionId, number: 1, teamId: null },
    });
    const usage = await postdesk(["ticket", "move", "--division", c.salesId, "--number", "1"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--to-division, --team or --no-team");
  });

  it("assigns a ticket to a member by email, and refuses someone who is not a member", async () => {
    const c = await company();
    const assigned = json(
      await postdesk(["ticket", "assign", "--division", c.divisionId, "--number", "1", "--assignee", c.email.toUpperCase(), "--json"]),
    );
    expect(assigned).toEqual({
      id: c.ticketId,
      number: 1,
      assignee: { id: c.user.id, email: c.email, name: c.user.name },
    });
    const stranger = await postdesk([
      "ticket", "assign", "--division", c.divisionId, "--number", "1", "--assignee", "nobody@elsewhere.test",
    ]);
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain("--assignee: must be the email of a member of this company");
    const [ticket] = await db.select().from(tickets).where(eq(tickets.id, c.ticketId));
    expect(ticket!.assigneeId).toBe(c.user.id);
  });
});
