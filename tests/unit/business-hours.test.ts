import { describe, expect, it } from "vitest";
import type { WeeklyHours } from "../../db/schema";
import { formatBusinessHours, parseBusinessHours } from "../../lib/cli/business-hours";
import { addBusinessMinutes, type BusinessCalendar, isTimeZone, localDay } from "../../lib/divisions/business-hours";
import { businessCalendarOf, serviceTargets } from "../../lib/divisions/service-targets";

const nineToFive = { start: "09:00", end: "17:00" };
const weekdays: WeeklyHours = [nineToFive, nineToFive, nineToFive, nineToFive, nineToFive, null, null];

function calendar(timeZone: string, hours: WeeklyHours | null = weekdays, holidays: string[] = []): BusinessCalendar {
  return { timeZone, hours, holidays: new Set(holidays) };
}

const at = (iso: string) => new Date(iso);

describe("the calendar day of a moment", () => {
  it("is the zone's: 23:30 UTC is already the next day in Warsaw and still the same day in New York", () => {
    expect(localDay(at("2026-12-06T23:30:00Z"), "Europe/Warsaw")).toBe("2026-12-07");
    expect(localDay(at("2026-12-06T23:30:00Z"), "UTC")).toBe("2026-12-06");
    expect(localDay(at("2026-12-07T03:30:00Z"), "America/New_York")).toBe("2026-12-06");
  });
});

describe("business minutes", () => {
  it("a Friday-evening hour in Warsaw runs out half an hour after Monday's opening", () => {
    // Friday 4 December 2026, 16:30 in Warsaw (CET, UTC+1).
    expect(addBusinessMinutes(at("2026-12-04T15:30:00Z"), 60, calendar("Europe/Warsaw"))).toEqual(at("2026-12-07T08:30:00Z"));
  });

  it("time before the opening does not count: 07:00 plus 30 minutes is 09:30", () => {
    expect(addBusinessMinutes(at("2026-12-07T06:00:00Z"), 30, calendar("Europe/Warsaw"))).toEqual(at("2026-12-07T08:30:00Z"));
  });

  it("a holiday is closed all day: the Monday off moves the due time to Tuesday", () => {
    const withHoliday = calendar("Europe/Warsaw", weekdays, ["2026-12-07"]);
    expect(addBusinessMinutes(at("2026-12-04T15:30:00Z"), 60, withHoliday)).toEqual(at("2026-12-08T08:30:00Z"));
  });

  it("counts a whole day of hours and carries the rest over to the next open day", () => {
    // Monday 09:00 plus 8 hours and 15 minutes: all of Monday, then Tuesday 09:15.
    expect(addBusinessMinutes(at("2026-12-07T08:00:00Z"), 8 * 60 + 15, calendar("Europe/Warsaw"))).toEqual(
      at("2026-12-08T08:15:00Z"),
    );
  });

  it("keeps wall-clock opening hours across Warsaw's spring change to summer time", () => {
    // Friday 27 March 2026, 16:00 CET; the clocks go forward on Sunday 29 March. Monday opens at 09:00 CEST (07:00Z).
    expect(addBusinessMinutes(at("2026-03-27T15:00:00Z"), 120, calendar("Europe/Warsaw"))).toEqual(at("2026-03-30T08:00:00Z"));
  });

  it("a Sunday open 00:00-24:00 on Warsaw's change to summer time has 23 hours", () => {
    const sundays = calendar("Europe/Warsaw", [null, null, null, null, null, null, { start: "00:00", end: "24:00" }]);
    const saturday = at("2026-03-28T12:00:00Z");
    expect(addBusinessMinutes(saturday, 23 * 60, sundays)).toEqual(at("2026-03-29T22:00:00Z"));
    // One minute more is the next Sunday's first minute (CEST, UTC+2).
    expect(addBusinessMinutes(saturday, 23 * 60 + 1, sundays)).toEqual(at("2026-04-04T22:01:00Z"));
  });

  it("keeps wall-clock opening hours across New York's autumn change back to standard time", () => {
    // Friday 30 October 2026, 16:00 EDT (UTC-4); Monday 2 November opens at 09:00 EST (UTC-5).
    expect(addBusinessMinutes(at("2026-10-30T20:00:00Z"), 120, calendar("America/New_York"))).toEqual(
      at("2026-11-02T15:00:00Z"),
    );
  });

  it("around the clock counts elapsed time, also through New York's spring gap", () => {
    // Saturday 7 March 2026, 23:00 EST; at 02:00 on Sunday the clocks jump to 03:00 EDT.
    expect(addBusinessMinutes(at("2026-03-08T04:00:00Z"), 240, calendar("America/New_York", null))).toEqual(
      at("2026-03-08T08:00:00Z"),
    );
  });

  it("around the clock still skips holidays, whole local days", () => {
    const always = calendar("Europe/Warsaw", null, ["2026-12-25"]);
    // 24 December, 23:30 in Warsaw: half an hour, then nothing until 26 December 00:00.
    expect(addBusinessMinutes(at("2026-12-24T22:30:00Z"), 60, always)).toEqual(at("2026-12-25T23:30:00Z"));
  });

  it("a day open until 24:00 counts up to midnight", () => {
    const evenings = calendar("UTC", [{ start: "20:00", end: "24:00" }, null, null, null, null, null, null]);
    // Monday 7 December 23:00 plus 90 minutes: one hour that Monday, then the next Monday 20:30.
    expect(addBusinessMinutes(at("2026-12-07T23:00:00Z"), 90, evenings)).toEqual(at("2026-12-14T20:30:00Z"));
  });

  it("a calendar that never opens has no due time", () => {
    expect(addBusinessMinutes(at("2026-12-07T08:00:00Z"), 1, calendar("UTC", [null, null, null, null, null, null, null]))).toBeNull();
    const allHolidays = Array.from({ length: 400 }, (_, day) => new Date(Date.UTC(2026, 11, 1 + day)).toISOString().slice(0, 10));
    expect(addBusinessMinutes(at("2026-12-01T08:00:00Z"), 1, calendar("UTC", null, allHolidays))).toBeNull();
  });

  it("knows the zones Intl knows", () => {
    expect(isTimeZone("Europe/Warsaw")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});

describe("a division's service targets", () => {
  const division = {
    timeZone: "Europe/Warsaw",
    businessHours: weekdays,
    holidays: ["2026-12-24"],
    firstResponseTargetMinutes: 60,
    resolutionTargetMinutes: 16 * 60,
  };

  it("fall due by its business calendar, holidays included", () => {
    // Wednesday 23 December 16:30: the 24th is a holiday, so both run on into the 25th.
    expect(serviceTargets(division, businessCalendarOf(division), at("2026-12-23T15:30:00Z"))).toEqual({
      firstResponseDueAt: at("2026-12-25T08:30:00Z"),
      resolutionDueAt: at("2026-12-28T15:30:00Z"),
    });
  });

  it("are null where the division sets no target", () => {
    const none = { ...division, firstResponseTargetMinutes: null, resolutionTargetMinutes: null };
    expect(serviceTargets(none, businessCalendarOf(none), at("2026-12-23T15:30:00Z"))).toEqual({
      firstResponseDueAt: null,
      resolutionDueAt: null,
    });
  });
});

describe("business hours on the command line", () => {
  it("reads days, ranges of days and one span each; days not named are closed", () => {
    expect(parseBusinessHours("mon-fri 09:00-17:00, sat 10:00-14:00")).toEqual([
      nineToFive,
      nineToFive,
      nineToFive,
      nineToFive,
      nineToFive,
      { start: "10:00", end: "14:00" },
      null,
    ]);
    expect(parseBusinessHours("Always")).toBeNull();
  });

  it("refuses what is not days and a span, and leaves the times to the settings schema", () => {
    expect(parseBusinessHours("weekdays 9-5")).toBeUndefined();
    expect(parseBusinessHours("fri-mon 09:00-17:00")).toBeUndefined();
    expect(parseBusinessHours("mon 9-17")).toEqual([{ start: "9", end: "17" }, null, null, null, null, null, null]);
  });

  it("writes hours back in the spelling it reads", () => {
    const text = "mon-fri 09:00-17:00, sat 10:00-14:00";
    expect(formatBusinessHours(parseBusinessHours(text)!)).toBe(text);
    expect(formatBusinessHours(null)).toBe("always");
    expect(formatBusinessHours([nineToFive, null, nineToFive, null, null, null, { start: "00:00", end: "24:00" }])).toBe(
      "mon 09:00-17:00, wed 09:00-17:00, sun 00:00-24:00",
    );
  });
});
