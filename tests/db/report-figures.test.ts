import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { type TenantScope, withScope, withTenant } from "../../db/tenant";
import type { ReportQuery } from "../../lib/reports/figures";
import { report } from "../../lib/reports/report";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

type TicketSeed = Partial<typeof schema.tickets.$inferInsert> & { createdAt: Date };

const at = (iso: string) => new Date(iso);

/**
 * A company with hand-built data: a division in Warsaw (the sign-up's, moved there) and one in New
 * York, each ticket, message and mail inserted with the exact instants a test names.
 */
async function desk(name = "Report") {
  const owner = await makeTenant(db, name);
  const tenantId = owner.tenant.id;
  const scope: TenantScope = { tenantId, userId: owner.user.id, role: "owner" };
  const suffix = crypto.randomBytes(4).toString("hex");
  const run = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, tenantId, work);
  const { warsaw, newYork } = await run(async (tx) => {
    const [warsaw] = await tx
      .update(schema.divisions)
      .set({ name: "Warsaw", timeZone: "Europe/Warsaw" })
      .where(eqId(schema.divisions.id, owner.divisionId))
      .returning();
    const [newYork] = await tx
      .insert(schema.divisions)
      .values({ tenantId, name: "New York", tag: `NY${suffix}`, timeZone: "America/New_York", escalateBeforeMinutes: 120 })
      .returning();
    return { warsaw: warsaw!, newYork: newYork! };
  });
  let number = 0;
  return {
    tenantId,
    scope,
    run,
    warsaw,
    newYork,
    ownerId: owner.user.id,
    async ticket(seed: TicketSeed, divisionId: string = warsaw.id) {
      number += 1;
      const [row] = await run((tx) =>
        tx
          .insert(schema.tickets)
          .values({ tenantId, divisionId, number, subject: `ticket ${number}`, updatedAt: seed.createdAt, ...seed })
          .returning(),
      );
      return row!;
    },
    report(query: Omit<ReportQuery, "timeZone"> & { timeZone?: string }, now = at("2026-03-31T12:00:00Z"), as = scope) {
      return withScope(db, as, (tx) => report(tx, as, { timeZone: "Europe/Warsaw", ...query }, { now }));
    },
  };
}

function eqId(column: typeof schema.divisions.id, id: string) {
  return sqlEq(column, id);
}

import { eq as sqlEq } from "drizzle-orm";

describe("tickets per day", () => {
  it("counts tickets by their local day: 23:30 and 00:30 in Warsaw are two days, one day in UTC", async () => {
    const d = await desk();
    // 2026-03-10 23:30 and 2026-03-11 00:30 in Warsaw (UTC+1): 22:30 and 23:30 UTC, both on the 10th in UTC.
    await d.ticket({ createdAt: at("2026-03-10T22:30:00Z") });
    await d.ticket({ createdAt: at("2026-03-10T23:30:00Z") });
    const warsaw = await d.report({ from: "2026-03-10", to: "2026-03-11" });
    expect(warsaw.ticketsPerDay).toEqual([
      { day: "2026-03-10", created: 1, closed: 0 },
      { day: "2026-03-11", created: 1, closed: 0 },
    ]);
    const utc = await d.report({ from: "2026-03-10", to: "2026-03-11", timeZone: "UTC" });
    expect(utc.ticketsPerDay).toEqual([
      { day: "2026-03-10", created: 2, closed: 0 },
      { day: "2026-03-11", created: 0, closed: 0 },
    ]);
  });
});
