import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import {
  durationParts,
  durationText,
  serviceLevelState,
  type ServiceLevelTicket,
  urgencyOf,
} from "../../lib/tickets/service-level-state";
import en from "../../messages/en.json";
import pl from "../../messages/pl.json";

const NOW = new Date("2026-03-02T10:00:00Z");
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

/** A ticket as the database holds it: `slaDueAt` as its generated column computes it. */
function ticket(seed: Partial<ServiceLevelTicket>): ServiceLevelTicket {
  const base = { status: "open", firstResponseAt: null, firstResponseDueAt: null, resolutionDueAt: null, closedAt: null, ...seed } as const;
  const candidates = base.firstResponseAt ? [base.resolutionDueAt] : [base.firstResponseDueAt, base.resolutionDueAt];
  const due = candidates.filter((date): date is Date => date !== null).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
  return { ...base, slaDueAt: base.status === "closed" ? null : due };
}

describe("a ticket's service level", () => {
  it("is nothing when the ticket has no targets", () => {
    expect(serviceLevelState(ticket({}), NOW, 60)).toBeNull();
  });

  it("runs the first-response target until the first response, with the minutes left", () => {
    const state = serviceLevelState(ticket({ firstResponseDueAt: at(135), resolutionDueAt: at(600) }), NOW, 60);
    expect(state).toEqual({
      running: { target: "firstResponse", dueAt: at(135), urgency: "ok", minutesLeft: 135 },
      settled: [],
    });
  });

  it("runs the resolution target once the first response is sent, and shows the first response as met or missed", () => {
    const met = serviceLevelState(
      ticket({ firstResponseDueAt: at(-60), firstResponseAt: at(-90), resolutionDueAt: at(30) }),
      NOW,
      60,
    );
    expect(met?.running).toMatchObject({ target: "resolution", urgency: "breachingSoon", minutesLeft: 30 });
    expect(met?.settled).toEqual([{ target: "firstResponse", met: true }]);
    const missed = serviceLevelState(ticket({ firstResponseDueAt: at(-60), firstResponseAt: at(-10) }), NOW, 60);
    expect(missed).toEqual({ running: null, settled: [{ target: "firstResponse", met: false }] });
  });

  it("runs the resolution target first when it falls due before the first response's", () => {
    const state = serviceLevelState(ticket({ firstResponseDueAt: at(120), resolutionDueAt: at(60) }), NOW, 60);
    expect(state?.running?.target).toBe("resolution");
  });

  it("counts a target overdue in negative minutes, a part-minute past as a whole one", () => {
    const state = serviceLevelState(ticket({ resolutionDueAt: new Date(NOW.getTime() - 30_000) }), NOW, 60);
    expect(state?.running).toMatchObject({ urgency: "breached", minutesLeft: -1 });
  });

  it("settles the resolution target when the ticket is closed, met when closed by the due time", () => {
    const inTime = serviceLevelState(ticket({ status: "closed", resolutionDueAt: at(-5), closedAt: at(-6) }), NOW, 60);
    expect(inTime).toEqual({ running: null, settled: [{ target: "resolution", met: true }] });
    const late = serviceLevelState(ticket({ status: "closed", resolutionDueAt: at(-5), closedAt: at(-4) }), NOW, 60);
    expect(late?.settled).toEqual([{ target: "resolution", met: false }]);
  });
});

describe("urgency", () => {
  it("is breaching soon from the warning time up to the due time itself, breached after it", () => {
    expect(urgencyOf(NOW, at(61), 60)).toBe("ok");
    expect(urgencyOf(NOW, at(60), 60)).toBe("ok");
    expect(urgencyOf(NOW, at(59), 60)).toBe("breachingSoon");
    expect(urgencyOf(NOW, NOW, 60)).toBe("breachingSoon");
    expect(urgencyOf(NOW, new Date(NOW.getTime() - 1), 60)).toBe("breached");
  });
});

describe("duration wording", () => {
  it("reads minutes below an hour, hours and minutes below a day, days and hours beyond", () => {
    expect(durationParts(45)).toEqual({ days: 0, hours: 0, minutes: 45 });
    expect(durationParts(135)).toEqual({ days: 0, hours: 2, minutes: 15 });
    expect(durationParts(-180)).toEqual({ days: 0, hours: 3, minutes: 0 });
    expect(durationParts(1440 * 2 + 5 * 60 + 59)).toEqual({ days: 2, hours: 5, minutes: 0 });
    // Business time: a business day is not 24 hours, so it is counted in hours.
    expect(durationParts(2880 + 30, { days: false })).toEqual({ days: 0, hours: 48, minutes: 30 });
  });
});

describe("duration in words", () => {
  const wording = (locale: "en" | "pl", messages: typeof en) => {
    const t = createTranslator({ locale, messages, namespace: "ticket.serviceLevel" });
    return (minutes: number, options?: { days?: boolean }) => durationText(minutes, (unit, count) => t(unit, { count }), options);
  };

  it("reads short in English", () => {
    const words = wording("en", en);
    expect(words(135)).toBe("2 h 15 min");
    expect(words(-180)).toBe("3 h");
    expect(words(0)).toBe("0 min");
    expect(words(1440 + 60)).toBe("1 day 1 h");
    expect(words(3 * 1440)).toBe("3 days");
  });

  it("takes each Polish plural form: one, few, many", () => {
    const words = wording("pl", pl);
    expect(words(1)).toBe("1 minuta");
    expect(words(3)).toBe("3 minuty");
    expect(words(5)).toBe("5 minut");
    expect(words(12)).toBe("12 minut");
    expect(words(22)).toBe("22 minuty");
    expect(words(60 + 25)).toBe("1 godzina 25 minut");
    expect(words(2 * 60 + 15)).toBe("2 godziny 15 minut");
    expect(words(5 * 60 + 1)).toBe("5 godzin 1 minuta");
    expect(words(1440 + 22 * 60)).toBe("1 dzień 22 godziny");
    expect(words(5 * 1440)).toBe("5 dni");
    expect(words(2880, { days: false })).toBe("48 godzin");
  });
});

