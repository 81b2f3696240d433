import { describe, expect, it } from "vitest";
import { reportFiltersOf, reportsHref } from "../../app/[locale]/(app)/[tenant]/reports/report-filters";
import { formatCalendarDay } from "../../lib/i18n/dates";
import { localDay } from "../../lib/divisions/business-hours";

const warsaw = { id: "11111111-1111-4111-8111-111111111111", timeZone: "Europe/Warsaw", teams: [{ id: "team-pl" }] };
const tokyo = { id: "22222222-2222-4222-8222-222222222222", timeZone: "Asia/Tokyo", teams: [{ id: "team-jp" }] };
const divisions = [warsaw, tokyo];
// 23:30 UTC on 6 December: already 7 December in Warsaw and in Tokyo, still the 6th in UTC.
const now = new Date("2026-12-06T23:30:00Z");
const today = (timeZone: string) => localDay(now, timeZone);

describe("the dashboard's filters", () => {
  it("default to the last 30 days of every division, counted in the display zone", () => {
    const { filters, query } = reportFiltersOf({}, divisions, "UTC", today);
    expect(filters).toEqual({ divisionId: undefined, teamId: undefined, range: "30d", from: "2026-11-07", to: "2026-12-06" });
    expect(query).toEqual({ from: "2026-11-07", to: "2026-12-06", timeZone: "UTC", divisionId: undefined, teamId: undefined });
  });

  it("count days in the chosen division's zone, where it may already be tomorrow", () => {
    const { query } = reportFiltersOf({ division: tokyo.id, range: "7d" }, divisions, "UTC", today);
    expect(query).toEqual({ from: "2026-12-01", to: "2026-12-07", timeZone: "Asia/Tokyo", divisionId: tokyo.id, teamId: undefined });
  });

  it("take this month and the previous one as whole calendar months, across a year's end", () => {
    const january = (timeZone: string) => localDay(new Date("2027-01-15T12:00:00Z"), timeZone);
    expect(reportFiltersOf({ range: "thisMonth" }, divisions, "UTC", january).query).toMatchObject({ from: "2027-01-01", to: "2027-01-15" });
    expect(reportFiltersOf({ range: "previousMonth" }, divisions, "UTC", january).query).toMatchObject({ from: "2026-12-01", to: "2026-12-31" });
    const march = () => "2028-03-10";
    expect(reportFiltersOf({ range: "previousMonth" }, divisions, "UTC", march).query).toMatchObject({ from: "2028-02-01", to: "2028-02-29" });
  });

  it("keep a team only of the chosen division (or of any, with all divisions)", () => {
    expect(reportFiltersOf({ division: warsaw.id, team: "team-jp" }, divisions, "UTC", today).filters.teamId).toBeUndefined();
    expect(reportFiltersOf({ division: warsaw.id, team: "team-pl" }, divisions, "UTC", today).filters.teamId).toBe("team-pl");
    expect(reportFiltersOf({ team: "team-jp" }, divisions, "UTC", today).query.teamId).toBe("team-jp");
  });

  it("ignore a division of another company, or a made-up range", () => {
    const { filters } = reportFiltersOf({ division: "33333333-3333-4333-8333-333333333333", range: "forever" }, divisions, "UTC", today);
    expect(filters).toMatchObject({ divisionId: undefined, range: "30d" });
  });

  it("take custom days as given, the wrong way round too, and fall back to the default for impossible ones", () => {
    expect(reportFiltersOf({ range: "custom", from: "2026-11-03", to: "2026-11-05" }, divisions, "UTC", today).filters).toMatchObject({
      range: "custom",
      from: "2026-11-03",
      to: "2026-11-05",
    });
    expect(reportFiltersOf({ range: "custom", from: "2026-11-05", to: "2026-11-03" }, divisions, "UTC", today).filters).toMatchObject({
      from: "2026-11-03",
      to: "2026-11-05",
    });
    expect(reportFiltersOf({ range: "custom", from: "2026-02-30", to: "2026-03-05" }, divisions, "UTC", today).filters.range).toBe("30d");
  });

  it("cut a custom range longer than a year to the year ending on its last day", () => {
    const { filters } = reportFiltersOf({ range: "custom", from: "2020-01-01", to: "2026-12-06" }, divisions, "UTC", today);
    expect(filters).toMatchObject({ from: "2025-12-06", to: "2026-12-06" });
  });

  it("write an address with the days only for custom ranges, so a preset moves with the calendar", () => {
    expect(reportsHref("acme", { divisionId: warsaw.id, teamId: "team-pl", range: "7d", from: "2026-12-01", to: "2026-12-07" })).toBe(
      `/acme/reports?division=${warsaw.id}&team=team-pl&range=7d`,
    );
    expect(reportsHref("acme", { range: "custom", from: "2026-11-03", to: "2026-11-05" })).toBe(
      "/acme/reports?range=custom&from=2026-11-03&to=2026-11-05",
    );
  });
});

describe("a report's days", () => {
  it("read as the same day in any language, whatever the zone", () => {
    expect(formatCalendarDay("pl", "2026-12-07")).toBe("7 gru 2026");
    expect(formatCalendarDay("en", "2026-12-07")).toBe("Dec 7, 2026");
    expect(formatCalendarDay("pl", "2026-12-07", "dayMonth")).toBe("7 gru");
    expect(formatCalendarDay("en", "2026-12-07", "dayMonth")).toBe("Dec 7");
  });
});
