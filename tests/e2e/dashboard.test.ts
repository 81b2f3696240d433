import crypto from "node:crypto";
import fs from "node:fs";
import { eq } from "drizzle-orm";
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { hashPassword } from "../../lib/auth/password";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * The reports dashboard in a real browser, on hand-built data with exact instants: the figures in
 * Polish (dates, numbers, durations), the filters changing them, a CSV download holding exactly the
 * table's rows, the print layout, English, and light agents kept out.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("dashboard");

const at = (iso: string) => new Date(iso);
const RANGE = "range=custom&from=2026-11-02&to=2026-11-04";

/**
 * A company with two divisions counted in Warsaw time (UTC+1 in November), two teams in the first,
 * an agent who answered and closed, and four tickets across 2–4 November 2026:
 * 1. Pierwsza linia, 2 Nov 09:00, answered by Anna after 45 min (in time), closed by her 3 Nov 11:00 (in time);
 * 2. Pierwsza linia, 2 Nov 23:30, never answered, its first response due 3 Nov 10:00 (missed, past due now);
 * 3. Druga linia, 3 Nov 10:00, answered by Anna after 2 h 15 min (late), its resolution due in 30 minutes;
 * 4. Sprzedaż, 4 Nov 10:00, closed 14:00.
 */
async function helpDesk() {
  const owner = await makeTenant(db, "Raporty");
  const tenantId = owner.tenant.id;
  const suffix = crypto.randomBytes(4).toString("hex");
  const run = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, tenantId, work);
  const annaPassword = `Anna-Password-${suffix}`;
  const [anna] = await db
    .insert(schema.users)
    .values({ email: `anna-${suffix}@dashboard.test`, name: "Anna Nowak", passwordHash: await hashPassword(annaPassword) })
    .returning();
  const lightPassword = `Light-Password-${suffix}`;
  const [light] = await db
    .insert(schema.users)
    .values({ email: `light-${suffix}@dashboard.test`, name: "Lucyna Podgląd", passwordHash: await hashPassword(lightPassword) })
    .returning();

  const seeded = await run(async (tx) => {
    await tx.insert(schema.memberships).values([
      { tenantId, userId: anna!.id, role: "agent" },
      { tenantId, userId: light!.id, role: "light" },
    ]);
    const [support] = await tx
      .update(schema.divisions)
      .set({ name: "Wsparcie", timeZone: "Europe/Warsaw" })
      .where(eq(schema.divisions.id, owner.divisionId))
      .returning();
    const [sales] = await tx
      .insert(schema.divisions)
      .values({ tenantId, name: "Sprzedaż", tag: `SPR${suffix}`, timeZone: "Europe/Warsaw" })
      .returning();
    const [first, second] = await tx
      .insert(schema.teams)
      .values([
        { tenantId, divisionId: support!.id, name: "Pierwsza linia" },
        { tenantId, divisionId: support!.id, name: "Druga linia" },
      ])
      .returning();
    const [mailbox] = await tx
      .insert(schema.mailboxes)
      .values({
        tenantId,
        divisionId: support!.id,
        name: "Pomoc",
        address: `pomoc-${suffix}@dashboard.test`,
        protocol: "imap",
        host: "imap.dashboard.test",
        port: 993,
        security: "tls",
        username: `pomoc-${suffix}@dashboard.test`,
        connectionState: "connected",
        lastPollAt: at("2026-11-04T16:00:00Z"),
      })
      .returning();
    const soon = new Date(Date.now() + 30 * 60_000);
    const tickets = await tx
      .insert(schema.tickets)
      .values([
        {
          tenantId,
          divisionId: support!.id,
          teamId: first!.id,
          number: 1,
          subject: "Faktura",
          createdAt: at("2026-11-02T08:00:00Z"),
          updatedAt: at("2026-11-03T10:00:00Z"),
          firstResponseAt: at("2026-11-02T08:45:00Z"),
          firstResponseById: anna!.id,
          firstResponseDueAt: at("2026-11-02T09:00:00Z"),
          resolutionDueAt: at("2026-11-04T08:00:00Z"),
          status: "closed",
          closedAt: at("2026-11-03T10:00:00Z"),
          assigneeId: anna!.id,
        },
        {
          tenantId,
          divisionId: support!.id,
          teamId: first!.id,
          number: 2,
          subject: "Hasło",
          createdAt: at("2026-11-02T22:30:00Z"),
          updatedAt: at("2026-11-02T22:30:00Z"),
          firstResponseDueAt: at("2026-11-03T09:00:00Z"),
        },
        {
          tenantId,
          divisionId: support!.id,
          teamId: second!.id,
          number: 3,
          subject: "Zwrot",
          createdAt: at("2026-11-03T09:00:00Z"),
          updatedAt: at("2026-11-03T11:15:00Z"),
          firstResponseAt: at("2026-11-03T11:15:00Z"),
          firstResponseById: anna!.id,
          firstResponseDueAt: at("2026-11-03T10:00:00Z"),
          resolutionDueAt: soon,
        },
        {
          tenantId,
          divisionId: sales!.id,
          number: 1,
          subject: "Oferta",
          createdAt: at("2026-11-04T09:00:00Z"),
          updatedAt: at("2026-11-04T13:00:00Z"),
          status: "closed",
          closedAt: at("2026-11-04T13:00:00Z"),
        },
      ])
      .returning();
    await tx.insert(schema.messages).values([
      { tenantId, ticketId: tickets[0]!.id, direction: "outbound", authorUserId: anna!.id, createdAt: at("2026-11-02T08:45:00Z") },
      { tenantId, ticketId: tickets[2]!.id, direction: "outbound", authorUserId: anna!.id, createdAt: at("2026-11-03T11:15:00Z") },
    ]);
    const mails: [string, schema.InboundOutcome][] = [
      ["2026-11-02T08:00:00Z", "ticket_created"],
      ["2026-11-02T22:30:00Z", "ticket_created"],
      ["2026-11-03T09:00:00Z", "ticket_created"],
      ["2026-11-03T12:00:00Z", "waiting_list"],
      ["2026-11-03T13:00:00Z", "blocked"],
    ];
    await tx.insert(schema.inboundEmails).values(
      mails.map(([receivedAt, outcome], index) => {
        const raw = Buffer.from(`Subject: mail ${index}\r\n\r\nhello\r\n`);
        return {
          tenantId,
          divisionId: support!.id,
          mailboxId: mailbox!.id,
          uniqueKey: `dashboard:${index}`,
          raw,
          size: raw.length,
          sha256: crypto.createHash("sha256").update(raw).digest("hex"),
          outcome,
          receivedAt: at(receivedAt),
        };
      }),
    );
    return { support: support!, sales: sales!, first: first!, second: second! };
  });
  return { owner, slug: owner.tenant.slug, light: { email: light!.email, password: lightPassword }, ...seeded };
}

/** The card of one figure, by its anchor. */
function figure(page: Page, id: string): Locator {
  return page.locator(`section[data-figure="${id}"]`);
}

/** Opens a figure's table view and reads its body as text, a row at a time. */
async function tableOf(page: Page, id: string, tableLabel: string): Promise<string[][]> {
  const card = figure(page, id);
  const details = card.locator("details");
  if ((await details.count()) > 0 && !(await details.evaluate((element) => (element as HTMLDetailsElement).open))) {
    await card.getByText(tableLabel, { exact: true }).click();
  }
  return card.locator("tbody tr").evaluateAll((rows) =>
    rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.textContent?.trim() ?? "")),
  );
}

/** The raw values the table keeps beside its text: what its CSV must hold. */
function rawValuesOf(page: Page, id: string): Promise<string[][]> {
  return figure(page, id)
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("th, td")].map((cell) => cell.getAttribute("data-value") ?? "")));
}

/** Clicks a figure's CSV button and returns the file's name and text. */
async function downloadCsv(page: Page, id: string): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent("download"), figure(page, id).getByRole("button", { name: /CSV/ }).click()]);
  return { name: download.suggestedFilename(), text: fs.readFileSync((await download.path())!, "utf8") };
}

/** Waits until every chart on the page has drawn (they draw in the browser only). */
async function chartsDrawn(page: Page) {
  const charts = page.locator("figure [role=img]");
  await charts.first().waitFor();
  await page.waitForFunction(
    () => [...document.querySelectorAll("figure [role=img]")].every((chart) => chart.querySelector("svg.recharts-surface .recharts-layer")),
  );
}

describe("the reports dashboard in the browser", () => {
  it(
    "shows a division's figures in Polish, changes them with the filters, downloads a table as CSV and prints",
    async () => {
      const desk = await helpDesk();
      const { page } = await newPage();
      const violations: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      try {
        await signIn(page, "en", desk.owner.email, desk.owner.password);
        await page.waitForURL(`**/en/${desk.slug}/tickets`);
        await page.goto(url(`/pl/${desk.slug}/tickets`));
        await page.getByRole("link", { name: tPl("nav.reports") }).first().click();
        await page.waitForURL(`**/pl/${desk.slug}/reports`);
        await page.getByRole("heading", { level: 1, name: tPl("reports.title") }).waitFor();

        await page.goto(url(`/pl/${desk.slug}/reports?division=${desk.support.id}&${RANGE}`));
        expect(await page.locator("[data-report-period]").textContent()).toBe(
          tPl("reports.period", { from: "2 lis 2026", to: "4 lis 2026", timeZone: "Europe/Warsaw" }),
        );

        // Ticket 2 came in at 23:30 in Warsaw: still 2 November there.
        expect(await tableOf(page, "tickets-per-day", tPl("reports.table"))).toEqual([
          ["2 lis 2026", "2", "0"],
          ["3 lis 2026", "1", "1"],
          ["4 lis 2026", "0", "0"],
        ]);
        expect(await tableOf(page, "first-response-per-day", tPl("reports.table"))).toEqual([
          ["2 lis 2026", "1", "45 min", "45 min"],
          ["3 lis 2026", "1", "2 godz. 15 min", "2 godz. 15 min"],
          ["4 lis 2026", "0", "—", "—"],
        ]);
        expect(await tableOf(page, "resolution-per-day", tPl("reports.table"))).toEqual([
          ["2 lis 2026", "0", "—", "—"],
          ["3 lis 2026", "1", "1 dzień 2 godz.", "1 dzień 2 godz."],
          ["4 lis 2026", "0", "—", "—"],
        ]);
        const inbound = await tableOf(page, "inbound-per-day", tPl("reports.table"));
        expect(inbound.map((row) => [row[0], row.at(-1)])).toEqual([
          ["2 lis 2026", "2"],
          ["3 lis 2026", "3"],
          ["4 lis 2026", "0"],
        ]);
        // The median of 45 min and 2 h 15 min.
        expect(await tableOf(page, "agents", tPl("reports.table"))).toEqual([["Anna Nowak", "2", "1", "2", "1 godz. 30 min"]]);
        const mailboxes = await tableOf(page, "mailboxes", tPl("reports.table"));
        expect(mailboxes).toHaveLength(1);
        expect(mailboxes[0]!.slice(0, 4)).toEqual(["Pomoc", expect.stringMatching(/^pomoc-/), "Wsparcie", tPl("reports.mailboxes.states.connected")]);
        expect(mailboxes[0]![8]).toBe("5");

        // Ticket 1 answered in time, 2 and 3 not: one of three.
        const shares = page.locator("[data-big-number]");
        expect(await shares.filter({ hasText: tPl("reports.serviceLevels.firstResponse") }).locator("dd").first().textContent()).toBe("33,3%");
        await shares.getByText(tPl("reports.serviceLevels.metMissed", { met: 1, missed: 2 })).waitFor();
        expect(await page.locator('[data-big-number="share-resolution"] dd').first().textContent()).toBe("100%");
        expect(await page.locator('[data-big-number="breached"] dd').first().textContent()).toBe("1");
        expect(await page.locator('[data-big-number="breachingSoon"] dd').first().textContent()).toBe("1");
        expect(await page.locator('[data-big-number="breached"] a').getAttribute("href")).toBe(
          `/pl/${desk.slug}/tickets?division=${desk.support.id}&sla=breached`,
        );
        expect(await page.locator('[data-big-number="breachingSoon"] a').getAttribute("href")).toBe(
          `/pl/${desk.slug}/tickets?division=${desk.support.id}&sla=soon`,
        );

        await chartsDrawn(page);
        await page.locator("details[open]").evaluateAll((open) => open.forEach((details) => details.removeAttribute("open")));
        await screenshot(page, "290-dashboard-pl");

        // The CSV holds the table's rows: ISO days, plain numbers, ';' for Polish spreadsheets.
        const csv = await downloadCsv(page, "tickets-per-day");
        expect(csv.name).toBe("tickets-per-day-2026-11-02-2026-11-04.csv");
        expect(csv.text).toBe(
          "\uFEFFDzień;Utworzone;Zamknięte\r\n2026-11-02;2;0\r\n2026-11-03;1;1\r\n2026-11-04;0;0\r\n",
        );
        const records = csv.text.slice(1).trimEnd().split("\r\n").map((line) => line.split(";"));
        expect(records[0]).toEqual(
          await figure(page, "tickets-per-day").locator("thead th").evaluateAll((cells) => cells.map((cell) => cell.textContent)),
        );
        expect(records.slice(1)).toEqual(await rawValuesOf(page, "tickets-per-day"));
        const durations = await downloadCsv(page, "first-response-per-day");
        expect(durations.text).toBe(
          "\uFEFFDzień;Zgłoszenia z odpowiedzią;Mediana (min);90. percentyl (min)\r\n2026-11-02;1;45;45\r\n2026-11-03;1;135;135\r\n2026-11-04;0;;\r\n",
        );

        const ticketsCard = figure(page, "tickets-per-day");
        await tableOf(page, "tickets-per-day", tPl("reports.table"));
        await ticketsCard.scrollIntoViewIfNeeded();
        await ticketsCard.hover({ position: { x: 200, y: 200 } });
        await screenshot(page, "291-chart-with-table-pl", { fullPage: false });

        // One team of the division: only ticket 3.
        const filters = page.getByRole("form", { name: tPl("reports.filters.label") });
        await filters.getByLabel(tPl("reports.filters.team")).selectOption({ label: "Druga linia" });
        await filters.getByRole("button", { name: tPl("reports.filters.apply") }).click();
        await page.waitForURL(`**/reports?division=${desk.support.id}&team=${desk.second.id}&${RANGE}`);
        await page.locator('[data-big-number="breached"] dd', { hasText: "0" }).waitFor();
        expect(await tableOf(page, "tickets-per-day", tPl("reports.table"))).toEqual([
          ["2 lis 2026", "0", "0"],
          ["3 lis 2026", "1", "0"],
          ["4 lis 2026", "0", "0"],
        ]);

        // Every division: Sprzedaż's ticket on 4 November joins, days in the display zone.
        await filters.getByLabel(tPl("reports.filters.division")).selectOption({ label: tPl("reports.filters.allDivisions") });
        await filters.getByLabel(tPl("reports.filters.team")).selectOption({ label: tPl("reports.filters.allTeams") });
        await filters.getByRole("button", { name: tPl("reports.filters.apply") }).click();
        await page.waitForURL(`**/reports?${RANGE}`);
        const displayZone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
        await page.locator("[data-report-period]", { hasText: displayZone }).waitFor();
        expect(await tableOf(page, "tickets-per-day", tPl("reports.table"))).toEqual([
          ["2 lis 2026", "2", "0"],
          ["3 lis 2026", "1", "1"],
          ["4 lis 2026", "1", "1"],
        ]);

        // A preset: the days move with the calendar, the address names only the preset.
        await filters.getByLabel(tPl("reports.filters.range")).selectOption({ label: tPl("reports.filters.ranges.7d") });
        expect(await filters.getByLabel(tPl("reports.filters.from")).count()).toBe(0);
        await filters.getByRole("button", { name: tPl("reports.filters.apply") }).click();
        await page.waitForURL("**/reports?range=7d");
        expect((await tableOf(page, "tickets-per-day", tPl("reports.table"))).map((row) => row.slice(1))).toEqual(
          Array.from({ length: 7 }, () => ["0", "0"]),
        );

        // On paper: no navigation, no filters, no buttons; the figures stay.
        await page.goto(url(`/pl/${desk.slug}/reports?division=${desk.support.id}&${RANGE}`));
        await chartsDrawn(page);
        // About an A4 page's width at 96 dpi.
        await page.setViewportSize({ width: 794, height: 1123 });
        await page.emulateMedia({ media: "print" });
        expect(await page.getByRole("form", { name: tPl("reports.filters.label") }).isVisible()).toBe(false);
        expect(await page.getByRole("button", { name: tPl("reports.print") }).isVisible()).toBe(false);
        expect(await page.getByRole("link", { name: tPl("nav.reports"), exact: true }).first().isVisible()).toBe(false);
        expect(await figure(page, "tickets-per-day").isVisible()).toBe(true);
        // Printing lays the page out at the paper's width with no chance for script to redraw the
        // charts: narrowed here and measured at once, before the charts' resize observers run.
        const widths = await page.evaluate(() => {
          document.querySelector("main")!.style.maxWidth = "600px";
          return [...document.querySelectorAll("svg.recharts-surface")].map((svg) => svg.getBoundingClientRect().width);
        });
        expect(widths.length).toBeGreaterThan(0);
        expect(widths.filter((width) => width === 0 || width > 600)).toEqual([]);
        await page.evaluate(() => document.querySelector("main")!.style.removeProperty("max-width"));
        // Nothing sticks out of the page's width, tables opened too.
        await page.locator("details").evaluateAll((all) => all.forEach((details) => details.setAttribute("open", "")));
        const sticking = await page.evaluate(() =>
          [...document.querySelectorAll("main *")]
            .filter((element) => element.checkVisibility() && element.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .map((element) => `${element.tagName.toLowerCase()}.${element.getAttribute("class") ?? ""}`.slice(0, 120)),
        );
        expect(sticking).toEqual([]);
        await screenshot(page, "292-dashboard-print-pl");
        await page.emulateMedia({ media: "screen" });

        expect(violations).toEqual([]);
      } catch (error) {
        throw failure(error);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "reads in English: English dates, durations and a comma-separated CSV; a chart reads out as its summary, its table opens from the keyboard, Print prints",
    async () => {
      const desk = await helpDesk();
      const { page } = await newPage();
      try {
        await signIn(page, "en", desk.owner.email, desk.owner.password);
        await page.waitForURL(`**/en/${desk.slug}/tickets`);
        await page.goto(url(`/en/${desk.slug}/reports?division=${desk.support.id}&${RANGE}`));
        expect(await tableOf(page, "first-response-per-day", tEn("reports.table"))).toEqual([
          ["Nov 2, 2026", "1", "45 min", "45 min"],
          ["Nov 3, 2026", "1", "2 h 15 min", "2 h 15 min"],
          ["Nov 4, 2026", "0", "—", "—"],
        ]);
        expect(await page.locator('[data-big-number="share-firstResponse"] dd').first().textContent()).toBe("33.3%");
        // A chart reads out as its summary; its table opens from the keyboard.
        await figure(page, "tickets-per-day")
          .getByRole("img", {
            name: tEn("reports.ticketsPerDay.summary", { from: "Nov 2, 2026", to: "Nov 4, 2026", created: 3, closed: 1 }),
            exact: true,
          })
          .waitFor();
        const toggle = figure(page, "tickets-per-day").locator("summary");
        await toggle.focus();
        await page.keyboard.press("Enter");
        await figure(page, "tickets-per-day").getByRole("table", { name: tEn("reports.ticketsPerDay.title") }).waitFor();
        // "Print" opens the browser's print dialog.
        await page.evaluate(() => {
          window.print = () => document.body.setAttribute("data-printed", "");
        });
        await page.getByRole("button", { name: tEn("reports.print") }).click();
        await page.locator("body[data-printed]").waitFor({ state: "attached" });
        const csv = await downloadCsv(page, "tickets-per-day");
        expect(csv.text).toBe("\uFEFFDay,Created,Closed\r\n2026-11-02,2,0\r\n2026-11-03,1,1\r\n2026-11-04,0,0\r\n");
        await chartsDrawn(page);
        await page.locator("details[open]").evaluateAll((open) => open.forEach((details) => details.removeAttribute("open")));
        await screenshot(page, "293-dashboard-en");
      } catch (error) {
        throw failure(error);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "is not there for a light agent: no menu entry, and the address is not found",
    async () => {
      const desk = await helpDesk();
      const { page } = await newPage();
      try {
        await signIn(page, "en", desk.light.email, desk.light.password);
        await page.waitForURL(`**/en/${desk.slug}/tickets`);
        await page.goto(url(`/pl/${desk.slug}/tickets`));
        await page.getByRole("link", { name: tPl("nav.queue") }).first().waitFor();
        expect(await page.getByRole("link", { name: tPl("nav.reports"), exact: true }).count()).toBe(0);
        const response = await page.goto(url(`/pl/${desk.slug}/reports`));
        expect(response?.status()).toBe(404);
        await page.getByRole("heading", { level: 1, name: tPl("notFound.title") }).waitFor();
      } catch (error) {
        throw failure(error);
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
