import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { type TenantScope, withScope, withTenant } from "../../db/tenant";
import { addBusinessMinutes } from "../../lib/divisions/business-hours";
import type { ReportQuery } from "../../lib/reports/figures";
import { report } from "../../lib/reports/report";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

type TicketSeed = Partial<typeof schema.tickets.$inferInsert> & { createdAt: Date };
type MailSeed = Partial<typeof schema.inboundEmails.$inferInsert> & { receivedAt: Date };

const at = (iso: string) => new Date(iso);
const minutesAfter = (start: Date, minutes: number) => new Date(start.getTime() + minutes * 60_000);
/** The clock of most tests: noon UTC on the range's last day. */
const NOW = at("2026-03-31T12:00:00Z");
const MARCH = { from: "2026-03-01", to: "2026-03-31" };

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
      .where(eq(schema.divisions.id, owner.divisionId))
      .returning();
    const [newYork] = await tx
      .insert(schema.divisions)
      .values({ tenantId, name: "New York", tag: `NY${suffix}`, timeZone: "America/New_York", escalateBeforeMinutes: 120 })
      .returning();
    return { warsaw: warsaw!, newYork: newYork! };
  });
  let number = 0;
  let mailNumber = 0;
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
    async reply(ticketId: string, authorUserId: string | null, createdAt: Date, seed: Partial<typeof schema.messages.$inferInsert> = {}) {
      await run((tx) => tx.insert(schema.messages).values({ tenantId, ticketId, direction: "outbound", authorUserId, createdAt, ...seed }));
    },
    async mail(seed: MailSeed, divisionId: string = warsaw.id) {
      mailNumber += 1;
      const raw = Buffer.from(`Subject: mail ${mailNumber}\r\n\r\nhello\r\n`);
      await run((tx) =>
        tx.insert(schema.inboundEmails).values({
          tenantId,
          divisionId,
          uniqueKey: `import:${mailNumber}`,
          raw,
          size: raw.length,
          sha256: crypto.createHash("sha256").update(raw).digest("hex"),
          outcome: "ticket_created",
          ...seed,
        }),
      );
    },
    async mailbox(seed: Partial<typeof schema.mailboxes.$inferInsert> & { name: string }, divisionId: string = warsaw.id) {
      const address = `${seed.name.toLowerCase().replace(/\W/g, "")}-${suffix}@report.test`;
      const [row] = await run((tx) =>
        tx
          .insert(schema.mailboxes)
          .values({ tenantId, divisionId, address, protocol: "imap", host: "imap.report.test", port: 993, security: "tls", username: address, ...seed })
          .returning(),
      );
      return row!;
    },
    async team(name: string, divisionId: string = warsaw.id) {
      const [row] = await run((tx) => tx.insert(schema.teams).values({ tenantId, divisionId, name }).returning());
      return row!;
    },
    async agent(name: string, role: schema.Role = "agent") {
      const [user] = await db
        .insert(schema.users)
        .values({ email: `${name.toLowerCase()}-${crypto.randomBytes(4).toString("hex")}@report.test`, name, passwordHash: "not-a-real-hash" })
        .returning();
      await run((tx) => tx.insert(schema.memberships).values({ tenantId, userId: user!.id, role }));
      return user!;
    },
    report(query: Partial<ReportQuery> = {}, now = NOW, as = scope) {
      return withScope(db, as, (tx) => report(tx, as, { timeZone: "Europe/Warsaw", ...MARCH, ...query }, { now }));
    },
  };
}

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

  it("puts 18:00 and 20:00 in New York on one day, which UTC splits across midnight, closings by the day closed", async () => {
    const d = await desk();
    // 2026-02-10 18:00 and 20:00 in New York (UTC-5): 23:00 on the 10th and 01:00 on the 11th in UTC.
    await d.ticket({ createdAt: at("2026-02-10T23:00:00Z") }, d.newYork.id);
    await d.ticket(
      { createdAt: at("2026-02-11T01:00:00Z"), status: "closed", closedAt: at("2026-02-12T04:30:00Z") },
      d.newYork.id,
    );
    const range = { from: "2026-02-10", to: "2026-02-12" };
    const newYork = await d.report({ ...range, timeZone: "America/New_York" });
    expect(newYork.ticketsPerDay).toEqual([
      { day: "2026-02-10", created: 2, closed: 0 },
      // 04:30 UTC on the 12th is 23:30 on the 11th in New York.
      { day: "2026-02-11", created: 0, closed: 1 },
      { day: "2026-02-12", created: 0, closed: 0 },
    ]);
    const utc = await d.report({ ...range, timeZone: "UTC" });
    expect(utc.ticketsPerDay).toEqual([
      { day: "2026-02-10", created: 1, closed: 0 },
      { day: "2026-02-11", created: 1, closed: 0 },
      { day: "2026-02-12", created: 0, closed: 1 },
    ]);
  });

  it("lists every day of the range, and counts no ticket in the trash or merged into another", async () => {
    const d = await desk();
    const survivor = await d.ticket({ createdAt: at("2026-03-02T10:00:00Z") });
    await d.ticket({ createdAt: at("2026-03-02T11:00:00Z"), deletedAt: at("2026-03-03T10:00:00Z") });
    await d.ticket({ createdAt: at("2026-03-02T12:00:00Z"), mergedIntoId: survivor.id, status: "closed", closedAt: at("2026-03-03T10:00:00Z") });
    // Before the range's first local midnight (00:00 in Warsaw is 23:00 UTC the day before).
    await d.ticket({ createdAt: at("2026-02-28T22:59:00Z") });
    await d.ticket({ createdAt: at("2026-02-28T23:00:00Z") });
    const figures = await d.report();
    expect(figures.ticketsPerDay).toHaveLength(31);
    expect(figures.ticketsPerDay[0]).toEqual({ day: "2026-03-01", created: 1, closed: 0 });
    expect(figures.ticketsPerDay[1]).toEqual({ day: "2026-03-02", created: 1, closed: 0 });
    expect(figures.ticketsPerDay.reduce((sum, day) => sum + day.created + day.closed, 0)).toBe(2);
  });
});

describe("response times", () => {
  it("gives median and 90th percentile per day of the first response and of closing, and per team", async () => {
    const d = await desk();
    const printers = await d.team("Printers");
    const billing = await d.team("Billing");
    const created = at("2026-03-05T08:00:00Z");
    // First responses on 5 March (Warsaw) after 10, 20, 30, 40 and 100 minutes.
    for (const [minutes, teamId] of [[10, printers.id], [20, printers.id], [30, billing.id], [40, billing.id], [100, null]] as const) {
      await d.ticket({ createdAt: created, teamId, firstResponseAt: minutesAfter(created, minutes) });
    }
    // Created on the 5th, first answered on the 6th at 00:30 Warsaw (23:30 UTC on the 5th): counted on the 6th.
    await d.ticket({
      createdAt: at("2026-03-05T22:00:00Z"),
      teamId: printers.id,
      firstResponseAt: at("2026-03-05T23:30:00Z"),
      status: "closed",
      closedAt: at("2026-03-06T09:00:00Z"),
    });
    // Closed on the 7th after 2 and 4 hours.
    await d.ticket({ createdAt: at("2026-03-07T08:00:00Z"), teamId: billing.id, status: "closed", closedAt: at("2026-03-07T10:00:00Z") });
    await d.ticket({ createdAt: at("2026-03-07T08:00:00Z"), teamId: billing.id, status: "closed", closedAt: at("2026-03-07T12:00:00Z") });

    const figures = await d.report({ from: "2026-03-05", to: "2026-03-07" });
    expect(figures.responseTimesPerDay).toEqual([
      {
        day: "2026-03-05",
        // Sorted 10, 20, 30, 40, 100: median the third; p90 at 0.9 × 4 = 3.6, 40 + 0.6 × (100 − 40).
        firstResponse: { count: 5, median: 30, p90: 76 },
        resolution: { count: 0, median: null, p90: null },
      },
      {
        day: "2026-03-06",
        firstResponse: { count: 1, median: 90, p90: 90 },
        // Created 22:00 UTC on the 5th, closed 09:00 UTC on the 6th: 11 hours.
        resolution: { count: 1, median: 660, p90: 660 },
      },
      {
        day: "2026-03-07",
        firstResponse: { count: 0, median: null, p90: null },
        // 120 and 240: median 180, p90 120 + 0.9 × 120.
        resolution: { count: 2, median: 180, p90: 228 },
      },
    ]);
    expect(figures.responseTimesPerTeam).toEqual([
      {
        teamId: billing.id,
        teamName: "Billing",
        firstResponse: { count: 2, median: 35, p90: 39 },
        resolution: { count: 2, median: 180, p90: 228 },
      },
      {
        teamId: printers.id,
        teamName: "Printers",
        // 10, 20, 90: median 20, p90 at 1.8: 20 + 0.8 × 70.
        firstResponse: { count: 3, median: 20, p90: 76 },
        resolution: { count: 1, median: 660, p90: 660 },
      },
      {
        teamId: null,
        teamName: null,
        firstResponse: { count: 1, median: 100, p90: 100 },
        resolution: { count: 0, median: null, p90: null },
      },
    ]);
  });
});

describe("the backlog", () => {
  it("counts open tickets now by age bucket, per division and team, with the waiting list's size", async () => {
    const d = await desk();
    const printers = await d.team("Printers");
    const nyTeam = await d.team("Night shift", d.newYork.id);
    const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
    for (const hours of [1, 23.9, 24, 71, 100, 167, 168, 500, 719, 720, 5000]) {
      await d.ticket({ createdAt: hoursAgo(hours), teamId: printers.id, status: hours > 100 ? "on_hold" : "open" });
    }
    await d.ticket({ createdAt: hoursAgo(2), status: "answered" });
    await d.ticket({ createdAt: hoursAgo(2), status: "closed", closedAt: hoursAgo(1) });
    await d.ticket({ createdAt: hoursAgo(2), deletedAt: hoursAgo(1) });
    await d.ticket({ createdAt: hoursAgo(50), teamId: nyTeam.id }, d.newYork.id);
    await d.mail({ receivedAt: hoursAgo(3), outcome: "waiting_list" });
    await d.mail({ receivedAt: hoursAgo(3), outcome: "waiting_list" }, d.newYork.id);
    await d.mail({ receivedAt: hoursAgo(3), outcome: "waiting_list", deletedAt: hoursAgo(1) });
    // Decided: converted into a ticket, no longer waiting.
    await d.mail({ receivedAt: hoursAgo(3), outcome: "ticket_created", decision: "converted", decidedAt: hoursAgo(2) });

    const figures = await d.report();
    expect(figures.backlog).toEqual([
      {
        divisionId: d.newYork.id,
        divisionName: "New York",
        teamId: nyTeam.id,
        teamName: "Night shift",
        total: 1,
        buckets: { day: 0, threeDays: 1, week: 0, month: 0, older: 0 },
      },
      {
        divisionId: d.warsaw.id,
        divisionName: "Warsaw",
        teamId: printers.id,
        teamName: "Printers",
        total: 11,
        // Under 24 h: 1, 23.9; under 72 h: 24, 71; under a week: 100, 167; under 30 days: 168, 500, 719; older: 720, 5000.
        buckets: { day: 2, threeDays: 2, week: 2, month: 3, older: 2 },
      },
      {
        divisionId: d.warsaw.id,
        divisionName: "Warsaw",
        teamId: null,
        teamName: null,
        total: 1,
        buckets: { day: 1, threeDays: 0, week: 0, month: 0, older: 0 },
      },
    ]);
    expect(figures.waitingList).toBe(2);
    expect((await d.report({ divisionId: d.warsaw.id })).waitingList).toBe(1);
  });
});

describe("inbound mail and mailboxes", () => {
  it("counts mail per local day by outcome, and per mailbox with its polling state", async () => {
    const d = await desk();
    const support = await d.mailbox({
      name: "Support",
      connectionState: "backoff",
      lastPollAt: at("2026-03-31T11:58:00Z"),
      lastErrorAt: at("2026-03-31T11:58:00Z"),
      lastErrorCode: "connectError",
      failureCount: 3,
    });
    const sales = await d.mailbox({ name: "Sales", connectionState: "connected", lastPollAt: at("2026-03-31T11:59:00Z") });
    await d.mailbox({ name: "Old", removedAt: at("2026-03-01T00:00:00Z") });
    // 23:30 UTC on the 9th is 00:30 on the 10th in Warsaw.
    await d.mail({ receivedAt: at("2026-03-09T23:30:00Z"), mailboxId: support.id });
    await d.mail({ receivedAt: at("2026-03-10T10:00:00Z"), mailboxId: support.id, outcome: "ticket_message" });
    await d.mail({ receivedAt: at("2026-03-10T11:00:00Z"), mailboxId: sales.id, outcome: "waiting_list" });
    await d.mail({ receivedAt: at("2026-03-10T12:00:00Z"), mailboxId: sales.id, outcome: "blocked" });
    await d.mail({ receivedAt: at("2026-03-11T12:00:00Z"), outcome: "unprocessed" });
    await d.mail({ receivedAt: at("2026-03-09T22:59:00Z"), mailboxId: support.id });

    const figures = await d.report({ from: "2026-03-10", to: "2026-03-11" });
    const none = { pending: 0, ticket_created: 0, ticket_message: 0, waiting_list: 0, blocked: 0, loop: 0, duplicate: 0, unprocessed: 0 };
    expect(figures.inboundPerDay).toEqual([
      { day: "2026-03-10", total: 4, outcomes: { ...none, ticket_created: 1, ticket_message: 1, waiting_list: 1, blocked: 1 } },
      { day: "2026-03-11", total: 1, outcomes: { ...none, unprocessed: 1 } },
    ]);
    expect(figures.mailboxes).toEqual([
      {
        mailboxId: sales.id,
        name: "Sales",
        address: sales.address,
        divisionId: d.warsaw.id,
        divisionName: "Warsaw",
        active: true,
        connectionState: "connected",
        lastPollAt: "2026-03-31T11:59:00.000Z",
        lastErrorAt: null,
        lastErrorCode: null,
        failureCount: 0,
        mails: 2,
        mailsPerDay: [
          { day: "2026-03-10", count: 2 },
          { day: "2026-03-11", count: 0 },
        ],
      },
      {
        mailboxId: support.id,
        name: "Support",
        address: support.address,
        divisionId: d.warsaw.id,
        divisionName: "Warsaw",
        active: true,
        connectionState: "backoff",
        lastPollAt: "2026-03-31T11:58:00.000Z",
        lastErrorAt: "2026-03-31T11:58:00.000Z",
        lastErrorCode: "connectError",
        failureCount: 3,
        mails: 2,
        mailsPerDay: [
          { day: "2026-03-10", count: 2 },
          { day: "2026-03-11", count: 0 },
        ],
      },
    ]);
  });
});

describe("agents", () => {
  it("counts each member's replies sent, tickets closed and median first response in the range", async () => {
    const d = await desk();
    const anna = await d.agent("Anna");
    const bogdan = await d.agent("Bogdan");
    const created = at("2026-03-10T08:00:00Z");
    const first = await d.ticket({ createdAt: created, assigneeId: anna.id, firstResponseAt: minutesAfter(created, 30), firstResponseById: anna.id, status: "closed", closedAt: at("2026-03-11T08:00:00Z") });
    const second = await d.ticket({ createdAt: created, assigneeId: anna.id, firstResponseAt: minutesAfter(created, 90), firstResponseById: anna.id });
    const third = await d.ticket({ createdAt: created, assigneeId: bogdan.id, firstResponseAt: minutesAfter(created, 45), firstResponseById: bogdan.id, status: "closed", closedAt: at("2026-03-10T12:00:00Z") });
    await d.reply(first.id, anna.id, minutesAfter(created, 30));
    await d.reply(first.id, anna.id, minutesAfter(created, 300));
    await d.reply(second.id, anna.id, minutesAfter(created, 90));
    await d.reply(third.id, bogdan.id, minutesAfter(created, 45));
    // Not replies sent: a note, a reply in the trash, one before the range.
    await d.reply(third.id, bogdan.id, minutesAfter(created, 50), { direction: "note" });
    await d.reply(third.id, bogdan.id, minutesAfter(created, 55), { deletedAt: minutesAfter(created, 60) });
    await d.reply(third.id, bogdan.id, at("2026-02-27T10:00:00Z"));
    // Nor one on a ticket in the trash.
    const trashed = await d.ticket({ createdAt: created, deletedAt: minutesAfter(created, 120) });
    await d.reply(trashed.id, anna.id, minutesAfter(created, 60));

    const expected = [
      { userId: anna.id, name: "Anna", repliesSent: 3, ticketsClosed: 1, firstResponse: { count: 2, median: 60, p90: 84 } },
      { userId: bogdan.id, name: "Bogdan", repliesSent: 1, ticketsClosed: 1, firstResponse: { count: 1, median: 45, p90: 45 } },
    ];
    expect((await d.report()).agents).toEqual(expected);
    expect((await d.report({ divisionId: d.warsaw.id })).agents).toEqual(expected);
  });
});

describe("service levels", () => {
  const officeHours = [
    ...Array.from({ length: 5 }, () => ({ start: "09:00", end: "17:00" })),
    null,
    null,
  ];

  it("counts a Friday-evening ticket answered Monday 09:15 as met when business hours put its due time at 09:30", async () => {
    const d = await desk();
    // Friday 6 March 2026, 18:00 in Warsaw; a 30-minute target in office hours falls due Monday 09:30.
    const created = at("2026-03-06T17:00:00Z");
    const due = addBusinessMinutes(created, 30, { timeZone: "Europe/Warsaw", hours: officeHours, holidays: new Set() });
    expect(due).toEqual(at("2026-03-09T08:30:00Z"));
    const answered = at("2026-03-09T08:15:00Z");
    expect((answered.getTime() - created.getTime()) / 3_600_000).toBeCloseTo(63.25);
    await d.ticket({ createdAt: created, firstResponseDueAt: due, firstResponseAt: answered });
    // The same, answered at 09:45: late.
    await d.ticket({ createdAt: created, firstResponseDueAt: due, firstResponseAt: at("2026-03-09T08:45:00Z") });
    // Never answered, past due now.
    await d.ticket({ createdAt: created, firstResponseDueAt: due });
    // Due after now, not answered yet: neither met nor missed.
    await d.ticket({ createdAt: at("2026-03-31T11:00:00Z"), firstResponseDueAt: at("2026-03-31T13:00:00Z") });
    // Met in the range though due after it.
    await d.ticket({ createdAt: at("2026-03-31T21:00:00Z"), firstResponseDueAt: at("2026-04-01T08:00:00Z"), firstResponseAt: at("2026-03-31T21:30:00Z") });
    // Due before the range and answered late within it: the due time is outside, and it was not met.
    await d.ticket({ createdAt: at("2026-02-27T08:00:00Z"), firstResponseDueAt: at("2026-02-27T09:00:00Z"), firstResponseAt: at("2026-03-02T09:00:00Z") });
    // Closed without a reply before it was due: nothing to be late with. Closed so after it was due: missed.
    await d.ticket({ createdAt: created, firstResponseDueAt: due, status: "closed", closedAt: at("2026-03-09T08:00:00Z") });
    await d.ticket({ createdAt: created, firstResponseDueAt: due, status: "closed", closedAt: at("2026-03-09T10:00:00Z") });

    // Resolution: closed by the due time, closed late, still open past due.
    await d.ticket({ createdAt: created, resolutionDueAt: at("2026-03-10T16:00:00Z"), status: "closed", closedAt: at("2026-03-10T15:00:00Z") });
    await d.ticket({ createdAt: created, resolutionDueAt: at("2026-03-10T16:00:00Z"), status: "closed", closedAt: at("2026-03-12T15:00:00Z") });
    await d.ticket({ createdAt: created, resolutionDueAt: at("2026-03-10T16:00:00Z") });

    const figures = await d.report();
    expect(figures.serviceLevels).toEqual({
      firstResponse: { met: 2, missed: 3, share: 2 / 5 },
      resolution: { met: 1, missed: 2, share: 1 / 3 },
    });
    const empty = await d.report({ from: "2026-01-01", to: "2026-01-31" });
    expect(empty.serviceLevels.firstResponse).toEqual({ met: 0, missed: 0, share: null });
  });

  it("counts tickets past due now as breached, and those due within their division's escalation window as breaching soon", async () => {
    const d = await desk();
    const minutesFromNow = (minutes: number) => minutesAfter(NOW, minutes);
    const created = at("2026-03-31T08:00:00Z");
    // Warsaw escalates 60 minutes before, New York 120.
    await d.ticket({ createdAt: created, firstResponseDueAt: minutesFromNow(-5) });
    await d.ticket({ createdAt: created, firstResponseDueAt: minutesFromNow(30) });
    await d.ticket({ createdAt: created, firstResponseDueAt: minutesFromNow(90) });
    await d.ticket({ createdAt: created, firstResponseDueAt: minutesFromNow(90) }, d.newYork.id);
    // Answered: now runs against resolution, due in 10 minutes.
    await d.ticket({ createdAt: created, firstResponseDueAt: minutesFromNow(-60), firstResponseAt: minutesFromNow(-70), resolutionDueAt: minutesFromNow(10) });
    // Closed or in the trash: no target running.
    await d.ticket({ createdAt: created, firstResponseDueAt: minutesFromNow(-5), status: "closed", closedAt: minutesFromNow(-10) });
    await d.ticket({ createdAt: created, firstResponseDueAt: minutesFromNow(-5), deletedAt: minutesFromNow(-10) });

    const figures = await d.report();
    expect({ breached: figures.breached, breachingSoon: figures.breachingSoon }).toEqual({ breached: 1, breachingSoon: 3 });
    const warsaw = await d.report({ divisionId: d.warsaw.id });
    expect({ breached: warsaw.breached, breachingSoon: warsaw.breachingSoon }).toEqual({ breached: 1, breachingSoon: 2 });
  });
});

describe("filters and isolation", () => {
  it("narrows every figure to the division and team chosen: mail by its mailbox's team", async () => {
    const d = await desk();
    const agent = await d.agent("Anna");
    const printers = await d.team("Printers");
    const billing = await d.team("Billing");
    const printersBox = await d.mailbox({ name: "Printers", teamId: printers.id });
    await d.mailbox({ name: "Billing", teamId: billing.id });
    const created = at("2026-03-10T08:00:00Z");
    const seed = (teamId: string) => ({
      createdAt: created,
      teamId,
      assigneeId: agent.id,
      firstResponseAt: minutesAfter(created, 20),
      firstResponseById: agent.id,
      firstResponseDueAt: minutesAfter(created, 60),
    });
    const mine = await d.ticket(seed(printers.id));
    const theirs = await d.ticket(seed(billing.id));
    const elsewhere = await d.ticket(seed(billing.id), d.newYork.id);
    for (const ticket of [mine, theirs, elsewhere]) await d.reply(ticket.id, agent.id, minutesAfter(created, 20));
    await d.mail({ receivedAt: created, mailboxId: printersBox.id });
    await d.mail({ receivedAt: created });
    await d.mail({ receivedAt: created }, d.newYork.id);

    const created10 = (figures: Awaited<ReturnType<typeof d.report>>) =>
      figures.ticketsPerDay.find((day) => day.day === "2026-03-10")!.created;
    const mail10 = (figures: Awaited<ReturnType<typeof d.report>>) =>
      figures.inboundPerDay.find((day) => day.day === "2026-03-10")!.total;

    const all = await d.report();
    expect([created10(all), mail10(all), all.backlog.length, all.agents[0]!.repliesSent, all.serviceLevels.firstResponse.met]).toEqual([3, 3, 3, 3, 3]);
    const warsaw = await d.report({ divisionId: d.warsaw.id });
    expect([created10(warsaw), mail10(warsaw), warsaw.backlog.length, warsaw.agents[0]!.repliesSent, warsaw.serviceLevels.firstResponse.met]).toEqual([2, 2, 2, 2, 2]);
    expect(warsaw.mailboxes.map((mailbox) => mailbox.name)).toEqual(["Billing", "Printers"]);
    const team = await d.report({ divisionId: d.warsaw.id, teamId: printers.id });
    expect([created10(team), mail10(team), team.backlog.length, team.agents[0]!.repliesSent, team.serviceLevels.firstResponse.met]).toEqual([1, 1, 1, 1, 1]);
    expect(team.responseTimesPerTeam.map((row) => row.teamName)).toEqual(["Printers"]);
    expect(team.mailboxes.map((mailbox) => mailbox.name)).toEqual(["Printers"]);
  });

  it("never counts another company's tickets, mail, members or mailboxes, even asked for its division", async () => {
    const d = await desk("Ours");
    const other = await desk("Theirs");
    const agent = await other.agent("Zofia");
    const created = at("2026-03-10T08:00:00Z");
    const ticket = await other.ticket({ createdAt: created, assigneeId: agent.id, firstResponseAt: minutesAfter(created, 5), firstResponseById: agent.id, firstResponseDueAt: minutesAfter(created, 60) });
    await other.reply(ticket.id, agent.id, minutesAfter(created, 5));
    await other.mail({ receivedAt: created, outcome: "waiting_list" });
    await other.mailbox({ name: "Theirs" });

    for (const query of [{}, { divisionId: other.warsaw.id }]) {
      const figures = await d.report(query);
      expect(figures.ticketsPerDay.every((day) => day.created === 0 && day.closed === 0)).toBe(true);
      expect(figures.inboundPerDay.every((day) => day.total === 0)).toBe(true);
      expect(figures.responseTimesPerTeam).toEqual([]);
      expect(figures.backlog).toEqual([]);
      expect(figures.waitingList).toBe(0);
      expect(figures.agents).toEqual([]);
      expect(figures.mailboxes).toEqual([]);
      expect(figures.serviceLevels.firstResponse.share).toBeNull();
    }
    expect((await other.report()).agents.map((row) => row.name)).toEqual(["Zofia"]);
  });

  it("leaves out what a member may not see: the tickets of a team mailbox they are not in", async () => {
    const d = await desk();
    const agent = await d.agent("Anna");
    const printers = await d.team("Printers");
    const hidden = await d.mailbox({ name: "Printers", teamId: printers.id });
    await d.ticket({ createdAt: at("2026-03-10T08:00:00Z"), mailboxId: hidden.id, teamId: printers.id });
    await d.ticket({ createdAt: at("2026-03-10T08:00:00Z") });
    const agentScope: TenantScope = { tenantId: d.tenantId, userId: agent.id, role: "agent" };
    const asAgent = await d.report({}, NOW, agentScope);
    const asOwner = await d.report();
    expect(asOwner.backlog.reduce((sum, row) => sum + row.total, 0)).toBe(2);
    expect(asAgent.backlog.reduce((sum, row) => sum + row.total, 0)).toBe(1);
  });
});
