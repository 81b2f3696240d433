import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import type { ReportQuery } from "../../lib/reports/figures";
import { recentDays } from "../../lib/reports/range";
import { report } from "../../lib/reports/report";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

const DAY = 86_400_000;

/** A division in Warsaw with two teams, a mailbox, a member, and a few days of work ending days ago. */
async function company() {
  const base = await makeTenant(db, "Cli Report");
  const tenantId = base.tenant.id;
  const suffix = crypto.randomBytes(4).toString("hex");
  const [agent] = await db
    .insert(schema.users)
    .values({ email: `anna-${suffix}@report.test`, name: "Anna Agent", passwordHash: "not-a-real-hash" })
    .returning();
  const ids = await withTenant(db, tenantId, async (tx) => {
    await tx.insert(schema.memberships).values({ tenantId, userId: agent!.id, role: "agent" });
    await tx.update(schema.divisions).set({ timeZone: "Europe/Warsaw" }).where(eq(schema.divisions.id, base.divisionId));
    const [printers] = await tx.insert(schema.teams).values({ tenantId, divisionId: base.divisionId, name: "Printers" }).returning();
    const [billing] = await tx.insert(schema.teams).values({ tenantId, divisionId: base.divisionId, name: "Billing" }).returning();
    const address = `support-${suffix}@report.test`;
    const [mailbox] = await tx
      .insert(schema.mailboxes)
      .values({ tenantId, divisionId: base.divisionId, name: "Support", address, protocol: "imap", host: "imap.report.test", port: 993, security: "tls", username: address, teamId: printers!.id, lastPollAt: new Date() })
      .returning();
    const now = Date.now();
    for (let i = 0; i < 6; i++) {
      const createdAt = new Date(now - (3 + i) * DAY);
      const firstResponseAt = new Date(createdAt.getTime() + (15 + 10 * i) * 60_000);
      const [ticket] = await tx
        .insert(schema.tickets)
        .values({
          tenantId,
          divisionId: base.divisionId,
          number: i + 1,
          subject: `ticket ${i}`,
          teamId: i % 2 === 0 ? printers!.id : billing!.id,
          mailboxId: i % 2 === 0 ? mailbox!.id : null,
          assigneeId: agent!.id,
          createdAt,
          updatedAt: createdAt,
          firstResponseAt,
          firstResponseById: agent!.id,
          firstResponseDueAt: new Date(createdAt.getTime() + 60 * 60_000),
          resolutionDueAt: new Date(createdAt.getTime() + DAY),
          ...(i < 4 ? { status: "closed" as const, closedAt: new Date(createdAt.getTime() + (i + 1) * 3_600_000) } : {}),
        })
        .returning();
      await tx.insert(schema.messages).values({ tenantId, ticketId: ticket!.id, direction: "outbound", authorUserId: agent!.id, createdAt: firstResponseAt });
      const raw = Buffer.from(`Subject: ticket ${i}\r\n\r\nhello\r\n`);
      await tx.insert(schema.inboundEmails).values({
        tenantId,
        divisionId: base.divisionId,
        mailboxId: i % 2 === 0 ? mailbox!.id : null,
        uniqueKey: `import:${i}`,
        raw,
        size: raw.length,
        sha256: crypto.createHash("sha256").update(raw).digest("hex"),
        outcome: i === 5 ? "waiting_list" : "ticket_created",
        receivedAt: createdAt,
      });
    }
    return { printersId: printers!.id };
  });
  return { ...base, ...ids };
}

/** What report() gives for the same query, as the CLI's JSON carries it. */
async function dashboardOf(tenantId: string, query: ReportQuery) {
  const figures = await withTenant(db, tenantId, (tx) => report(tx, operatorScope(tenantId), query));
  return JSON.parse(JSON.stringify(figures));
}

describe("postdesk report", () => {
  it("returns the dashboard's figures for the last 30 days in the division's time zone, beside the mail counts", async () => {
    const c = await company();
    const out = json(await postdesk(["report", "--division", c.divisionId, "--json"]));
    expect(out).toMatchObject({ division: { id: c.divisionId }, inboundTotal: 6, tickets: 6, messages: 6, waiting: 1 });
    const query = { ...recentDays(new Date(), "Europe/Warsaw"), timeZone: "Europe/Warsaw", divisionId: c.divisionId };
    expect(out.dashboard.query).toEqual(query);
    expect(out.dashboard.ticketsPerDay).toHaveLength(30);
    expect(out.dashboard).toEqual(await dashboardOf(c.tenant.id, query));
    expect(out.dashboard.agents).toMatchObject([{ name: "Anna Agent", repliesSent: 6, ticketsClosed: 4 }]);
  });

  it("returns the same figures as report() for a chosen range and team", async () => {
    const c = await company();
    const { from, to } = recentDays(new Date(Date.now() - 4 * DAY), "Europe/Warsaw", 7);
    const out = json(
      await postdesk(["report", "--division", c.divisionId, "--from", from, "--to", to, "--team", c.printersId, "--json"]),
    );
    const query = { from, to, timeZone: "Europe/Warsaw", divisionId: c.divisionId, teamId: c.printersId };
    expect(out.dashboard.query).toEqual(query);
    expect(out.dashboard).toEqual(await dashboardOf(c.tenant.id, query));
    expect(out.dashboard.responseTimesPerTeam.map((team: { teamName: string }) => team.teamName)).toEqual(["Printers"]);
  });

  it("prints a summary of each figure group for a person", async () => {
    const c = await company();
    const run = await postdesk(["report", "--division", c.divisionId]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Dashboard, \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(Europe\/Warsaw\)$/m);
    expect(run.stdout).toMatch(/^tickets created +6$/m);
    expect(run.stdout).toMatch(/^tickets closed +4$/m);
    expect(run.stdout).toMatch(/^inbound mail +6: new ticket 5, waiting list 1$/m);
    expect(run.stdout).toMatch(/^first response +\d+ % met/m);
    expect(run.stdout).toMatch(/^Anna Agent +6 +4 /m);
    expect(run.stdout).toMatch(/^support-\w+@report\.test +new /m);
  });

  it("refuses a day that is not one, a range backwards, and a team of another company, naming the option", async () => {
    const c = await company();
    const bad = await postdesk(["report", "--division", c.divisionId, "--from", "2026-02-30", "--json"]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).error.fields).toEqual({ "--from": ["must be a day, YYYY-MM-DD"] });
    const backwards = await postdesk(["report", "--division", c.divisionId, "--from", "2026-03-02", "--to", "2026-03-01", "--json"]);
    expect(backwards.code).toBe(2);
    expect(Object.keys(JSON.parse(backwards.stderr).error.fields)).toEqual(["--from"]);
    const other = await company();
    const team = await postdesk(["report", "--division", c.divisionId, "--team", other.printersId, "--json"]);
    expect(team.code).toBe(1);
    expect(JSON.parse(team.stderr).error).toMatchObject({ code: "not_found", message: "team not found" });
  });
});
