import { describe, expect, it } from "vitest";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

describe("postdesk division set: service levels", () => {
  it("sets the time zone, business hours, holidays and targets, and shows them as it reads them", async () => {
    const company = await makeTenant(db, "Levels");
    const set = await postdesk([
      "division", "set", "--division", company.divisionId,
      "--time-zone", "Europe/Warsaw",
      "--business-hours", "mon-fri 09:00-17:00, sat 10:00-14:00",
      "--holidays", "2026-12-24,2026-12-25",
      "--first-response-target", "4h",
      "--resolution-target", "2400",
      "--escalate-before", "30m",
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(
      /^Updated --time-zone, --business-hours, --holidays, --first-response-target, --resolution-target, --escalate-before\./,
    );

    const shown = json(await postdesk(["division", "show", "--division", company.divisionId, "--json"]));
    const nineToFive = { start: "09:00", end: "17:00" };
    expect(shown.settings).toMatchObject({
      timeZone: "Europe/Warsaw",
      businessHours: [nineToFive, nineToFive, nineToFive, nineToFive, nineToFive, { start: "10:00", end: "14:00" }, null],
      holidays: ["2026-12-24", "2026-12-25"],
      firstResponseTargetMinutes: 240,
      resolutionTargetMinutes: 2400,
      escalateBeforeMinutes: 30,
    });

    const human = await postdesk(["division", "show", "--division", company.divisionId]);
    expect(human.stdout).toMatch(/^time-zone +Europe\/Warsaw$/m);
    expect(human.stdout).toMatch(/^business-hours +mon-fri 09:00-17:00, sat 10:00-14:00$/m);
    expect(human.stdout).toMatch(/^holidays +2026-12-24,2026-12-25$/m);
    expect(human.stdout).toMatch(/^first-response-target +240 business minutes$/m);
    expect(human.stdout).toMatch(/^resolution-target +2400 business minutes$/m);
    expect(human.stdout).toMatch(/^escalate-before +30 minutes$/m);

    const cleared = json(
      await postdesk([
        "division", "set", "--division", company.divisionId, "--business-hours", "always",
        "--holidays", "none", "--first-response-target", "none", "--json",
      ]),
    );
    expect(cleared.settings).toMatchObject({ businessHours: null, holidays: [], firstResponseTargetMinutes: null });
    const always = await postdesk(["division", "show", "--division", company.divisionId]);
    expect(always.stdout).toMatch(/^business-hours +always$/m);
    expect(always.stdout).toMatch(/^first-response-target +none$/m);
  });

  it("refuses a zone, hours, days and durations the settings schema refuses, naming each option", async () => {
    const company = await makeTenant(db, "Levels");
    const before = json(await postdesk(["division", "show", "--division", company.divisionId, "--json"]));
    const run = await postdesk([
      "division", "set", "--division", company.divisionId,
      "--time-zone", "Mars/Olympus_Mons",
      "--business-hours", "mon-fri 17:00-09:00",
      "--holidays", "2026-12-24,24.12.2026",
      "--first-response-target", "2d",
      "--escalate-before", "0",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--time-zone: must be a time zone such as Europe/Warsaw");
    expect(run.stderr).toContain("--business-hours: must end each day's hours after they start");
    expect(run.stderr).toContain("--holidays: must be dates as YYYY-MM-DD");
    expect(run.stderr).toContain("--first-response-target: must be a whole number");
    expect(run.stderr).toContain("--escalate-before: must be a duration from 1 minute to 10080 minutes");

    const wrongShape = await postdesk(["division", "set", "--division", company.divisionId, "--business-hours", "weekdays"]);
    expect(wrongShape.code).toBe(2);
    expect(wrongShape.stderr).toContain("--business-hours: has the wrong format");
    expect(json(await postdesk(["division", "show", "--division", company.divisionId, "--json"]))).toEqual(before);
  });

  it("explains the new options in its help", async () => {
    const help = await postdesk(["division", "set", "--help"]);
    expect(help.stdout).toContain("--business-hours DAYS HH:MM-HH:MM,…|always");
    expect(help.stdout).toContain("--first-response-target N|Nm|Nh|none");
    expect(help.stdout).toContain("--escalate-before N|Nm|Nh");
  });
});
