import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { type TenantScope, withScope } from "../../db/tenant";
import { report } from "../../lib/reports/report";
import { makeTenant } from "../setup/db";
import { EMBEDDED_TIMEOUT, embeddedDatabase } from "../setup/embedded";

/**
 * The dashboard's figures lean on percentile_cont, grouping sets, time zones and row-level security:
 * the embedded database (PGlite, `npm start` without DATABASE_URL) must give what a server gives.
 */

const embedded = embeddedDatabase("pglite-report");
const at = (iso: string) => new Date(iso);

describe("the report in the embedded database", () => {
  it("counts local days, percentiles, the backlog, mail and service levels as on a Postgres server", { timeout: EMBEDDED_TIMEOUT }, async () => {
    const db = embedded.handle().db;
    const company = await makeTenant(db, "Embedded Report");
    const tenantId = company.tenant.id;
    const scope: TenantScope = { tenantId, userId: company.user.id, role: "owner" };
    const divisionId = company.divisionId;
    await withScope(db, scope, async (tx) => {
      await tx.update(schema.divisions).set({ timeZone: "Europe/Warsaw" }).where(eq(schema.divisions.id, divisionId));
      const [team] = await tx.insert(schema.teams).values({ tenantId, divisionId, name: "Printers" }).returning();
      // Created 23:30 and 00:30 in Warsaw; first responses after 10, 20 and 60 minutes; one closed after 2 hours.
      const seeds = [
        { createdAt: at("2026-03-10T22:30:00Z"), firstResponseAt: at("2026-03-10T22:40:00Z") },
        { createdAt: at("2026-03-10T23:30:00Z"), firstResponseAt: at("2026-03-10T23:50:00Z") },
        {
          createdAt: at("2026-03-10T23:30:00Z"),
          firstResponseAt: at("2026-03-11T00:30:00Z"),
          firstResponseDueAt: at("2026-03-11T01:00:00Z"),
          status: "closed" as const,
          closedAt: at("2026-03-11T01:30:00Z"),
        },
      ];
      for (const [i, seed] of seeds.entries()) {
        await tx
          .insert(schema.tickets)
          .values({ tenantId, divisionId, number: i + 1, subject: `ticket ${i}`, teamId: team!.id, updatedAt: seed.createdAt, ...seed });
      }
      const raw = Buffer.from("Subject: held\r\n\r\nhello\r\n");
      await tx.insert(schema.inboundEmails).values({
        tenantId,
        divisionId,
        uniqueKey: "import:held",
        raw,
        size: raw.length,
        sha256: crypto.createHash("sha256").update(raw).digest("hex"),
        outcome: "waiting_list",
        receivedAt: at("2026-03-10T23:30:00Z"),
      });
    });

    const query = { from: "2026-03-10", to: "2026-03-11", timeZone: "Europe/Warsaw", divisionId };
    const figures = await withScope(db, scope, (tx) => report(tx, scope, query, { now: at("2026-03-12T12:00:00Z") }));
    expect(figures.ticketsPerDay).toEqual([
      { day: "2026-03-10", created: 1, closed: 0 },
      { day: "2026-03-11", created: 2, closed: 1 },
    ]);
    expect(figures.responseTimesPerDay.map((day) => day.firstResponse)).toEqual([
      { count: 1, median: 10, p90: 10 },
      // 20 and 60: median 40, p90 20 + 0.9 × 40.
      { count: 2, median: 40, p90: 56 },
    ]);
    expect(figures.responseTimesPerTeam).toMatchObject([{ teamName: "Printers", resolution: { count: 1, median: 120, p90: 120 } }]);
    expect(figures.backlog).toMatchObject([{ total: 2, buckets: { day: 0, threeDays: 2 } }]);
    expect(figures.inboundPerDay.map((day) => [day.day, day.outcomes.waiting_list])).toEqual([
      ["2026-03-10", 0],
      ["2026-03-11", 1],
    ]);
    expect(figures.waitingList).toBe(1);
    expect(figures.serviceLevels.firstResponse).toEqual({ met: 1, missed: 0, share: 1 });
  });
});
