import { describe, expect, it } from "vitest";
import { chartRows, csvRows, type ReportTable } from "../../app/[locale]/(app)/[tenant]/reports/report-table";

const mailboxes: ReportTable = {
  columns: [
    { key: "mailbox", label: "Skrzynka", kind: "text" },
    { key: "lastPoll", label: "Ostatnie sprawdzenie", kind: "moment" },
    { key: "median", label: "Mediana", csvLabel: "Mediana (min)", kind: "minutes" },
    { key: "share", label: "Odsetek", csvLabel: "Odsetek (%)", kind: "share" },
    { key: "perDay", label: "E-maile dziennie", kind: "perDay", days: ["2026-11-02", "2026-11-03"] },
  ],
  rows: [
    ["Pomoc", "2026-11-04T15:00:00.000Z", 135, 1 / 3, [2, 3]],
    ["Sprzedaż", null, null, null, [0, 0]],
  ],
};

describe("a dashboard table as CSV rows", () => {
  it("heads columns with their CSV label where they have one, and a per-day column with one column per ISO day", () => {
    expect(csvRows(mailboxes)[0]).toEqual([
      "Skrzynka",
      "Ostatnie sprawdzenie",
      "Mediana (min)",
      "Odsetek (%)",
      "E-maile dziennie 2026-11-02",
      "E-maile dziennie 2026-11-03",
    ]);
  });

  it("keeps the raw values: ISO moments, minutes, a share as a percentage to one decimal, the day counts spread out", () => {
    expect(csvRows(mailboxes).slice(1)).toEqual([
      ["Pomoc", "2026-11-04T15:00:00.000Z", 135, 33.3, 2, 3],
      ["Sprzedaż", null, null, null, 0, 0],
    ]);
  });

  it("gives a chart the same rows, keyed by column", () => {
    expect(chartRows(mailboxes)[0]).toEqual({
      mailbox: "Pomoc",
      lastPoll: "2026-11-04T15:00:00.000Z",
      median: 135,
      share: 1 / 3,
      perDay: [2, 3],
    });
  });
});
