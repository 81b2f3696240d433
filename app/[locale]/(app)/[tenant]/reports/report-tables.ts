import type { getTranslations } from "next-intl/server";
import { type InboundOutcome, mailboxConnectionStateEnum } from "@/db/schema";
import { formatCalendarDay } from "@/lib/i18n/dates";
import type { Locale } from "@/lib/i18n/routing";
import { connectionFailureOf } from "@/lib/mail/connection-error";
import { ageBuckets, type Durations, type Report } from "@/lib/reports/figures";
import { type ChartSpec, palette, type ReportTable } from "./report-table";

/**
 * The report's figures as the dashboard's tables and charts, labelled in the page's language. Each
 * figure is one `ReportTable`: its chart, its table view and its CSV file read the same rows.
 */

type Translate = Awaited<ReturnType<typeof getTranslations<"reports">>>;
type TranslateMailboxes = Awaited<ReturnType<typeof getTranslations<"mailboxes">>>;

export interface Figure {
  /** The section's anchor and the CSV file's name. */
  id: string;
  title: string;
  description: string;
  table: ReportTable;
  chart?: ChartSpec;
}

/** Stacked in this order, each in its colour; every outcome has one (a new outcome fails to compile here). */
const outcomeColours: Record<InboundOutcome, string> = {
  ticket_created: palette.blue,
  ticket_message: palette.sky,
  waiting_list: palette.orange,
  blocked: palette.vermillion,
  loop: palette.purple,
  duplicate: palette.grey,
  unprocessed: palette.yellow,
  pending: palette.green,
};

const bucketColours = [palette.green, palette.sky, palette.orange, palette.vermillion, palette.purple];

export function reportFigures(report: Report, locale: Locale, t: Translate, tMailboxes: TranslateMailboxes) {
  const from = formatCalendarDay(locale, report.query.from);
  const to = formatCalendarDay(locale, report.query.to);
  const minutes = (label: string) => ({ label, csvLabel: t("minutesColumn", { label }) });
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const outcomes = Object.keys(outcomeColours) as InboundOutcome[];

  const durationsPerDay = (
    id: string,
    title: string,
    description: string,
    countLabel: string,
    colour: string,
    pick: (day: Report["responseTimesPerDay"][number]) => Durations,
    summary: (count: number) => string,
  ): Figure => ({
    id,
    title,
    description,
    table: {
      columns: [
        { key: "day", label: t("day"), kind: "day" },
        { key: "count", label: countLabel, kind: "count" },
        { key: "median", kind: "minutes", ...minutes(t("median")) },
        { key: "p90", kind: "minutes", ...minutes(t("p90")) },
      ],
      rows: report.responseTimesPerDay.map((day) => {
        const durations = pick(day);
        return [day.day, durations.count, wholeMinutes(durations.median), wholeMinutes(durations.p90)];
      }),
    },
    chart: {
      type: "lines",
      summary: summary(sum(report.responseTimesPerDay.map((day) => pick(day).count))),
      category: ["day"],
      series: [
        { key: "median", colour },
        { key: "p90", colour, dashed: true },
      ],
    },
  });

  const openTotal = sum(report.backlog.map((row) => row.total));

  return {
    ticketsPerDay: {
      id: "tickets-per-day",
      title: t("ticketsPerDay.title"),
      description: t("ticketsPerDay.description"),
      table: {
        columns: [
          { key: "day", label: t("day"), kind: "day" },
          { key: "created", label: t("ticketsPerDay.created"), kind: "count" },
          { key: "closed", label: t("ticketsPerDay.closed"), kind: "count" },
        ],
        rows: report.ticketsPerDay.map((day) => [day.day, day.created, day.closed]),
      },
      chart: {
        type: "bars",
        summary: t("ticketsPerDay.summary", {
          from,
          to,
          created: sum(report.ticketsPerDay.map((day) => day.created)),
          closed: sum(report.ticketsPerDay.map((day) => day.closed)),
        }),
        category: ["day"],
        series: [
          { key: "created", colour: palette.blue },
          { key: "closed", colour: palette.orange },
        ],
      },
    },
    inboundPerDay: {
      id: "inbound-per-day",
      title: t("inboundPerDay.title"),
      description: t("inboundPerDay.description"),
      table: {
        columns: [
          { key: "day", label: t("day"), kind: "day" },
          ...outcomes.map((outcome) => ({ key: outcome, label: t(`outcomes.${outcome}`), kind: "count" as const })),
          { key: "total", label: t("inboundPerDay.total"), kind: "count" },
        ],
        rows: report.inboundPerDay.map((day) => [day.day, ...outcomes.map((outcome) => day.outcomes[outcome]), day.total]),
      },
      chart: {
        type: "stackedBars",
        summary: t("inboundPerDay.summary", { from, to, total: sum(report.inboundPerDay.map((day) => day.total)) }),
        category: ["day"],
        series: outcomes.map((outcome) => ({ key: outcome, colour: outcomeColours[outcome] })),
      },
    },
    firstResponsePerDay: durationsPerDay(
      "first-response-per-day",
      t("firstResponsePerDay.title"),
      t("firstResponsePerDay.description"),
      t("firstResponsePerDay.count"),
      palette.blue,
      (day) => day.firstResponse,
      (count) => t("firstResponsePerDay.summary", { from, to, count }),
    ),
    resolutionPerDay: durationsPerDay(
      "resolution-per-day",
      t("resolutionPerDay.title"),
      t("resolutionPerDay.description"),
      t("resolutionPerDay.count"),
      palette.green,
      (day) => day.resolution,
      (count) => t("resolutionPerDay.summary", { from, to, count }),
    ),
    responseTimesPerTeam: {
      id: "response-times-per-team",
      title: t("perTeam.title"),
      description: t("perTeam.description"),
      table: {
        columns: [
          { key: "team", label: t("perTeam.team"), kind: "text" },
          { key: "firstResponses", label: t("perTeam.firstResponses"), kind: "count" },
          { key: "firstResponseMedian", kind: "minutes", ...minutes(t("perTeam.firstResponseMedian")) },
          { key: "firstResponseP90", kind: "minutes", ...minutes(t("perTeam.firstResponseP90")) },
          { key: "resolved", label: t("perTeam.resolved"), kind: "count" },
          { key: "resolutionMedian", kind: "minutes", ...minutes(t("perTeam.resolutionMedian")) },
          { key: "resolutionP90", kind: "minutes", ...minutes(t("perTeam.resolutionP90")) },
        ],
        rows: report.responseTimesPerTeam.map((team) => [
          team.teamName ?? t("perTeam.noTeam"),
          team.firstResponse.count,
          wholeMinutes(team.firstResponse.median),
          wholeMinutes(team.firstResponse.p90),
          team.resolution.count,
          wholeMinutes(team.resolution.median),
          wholeMinutes(team.resolution.p90),
        ]),
      },
      chart: {
        type: "horizontalBars",
        summary: t("perTeam.summary", { teams: report.responseTimesPerTeam.length }),
        category: ["team"],
        series: [
          { key: "firstResponseMedian", colour: palette.blue },
          { key: "resolutionMedian", colour: palette.green },
        ],
      },
    },
    backlog: {
      id: "backlog",
      title: t("backlog.title"),
      description: t("backlog.description"),
      table: {
        columns: [
          { key: "division", label: t("backlog.division"), kind: "text" },
          { key: "team", label: t("backlog.team"), kind: "text" },
          ...ageBuckets.map((bucket) => ({ key: bucket, label: t(`ageBuckets.${bucket}`), kind: "count" as const })),
          { key: "open", label: t("backlog.open"), kind: "count" },
        ],
        rows: report.backlog.map((row) => [
          row.divisionName,
          row.teamName ?? t("perTeam.noTeam"),
          ...ageBuckets.map((bucket) => row.buckets[bucket]),
          row.total,
        ]),
      },
      chart: {
        type: "horizontalStackedBars",
        summary: t("backlog.summary", { open: openTotal }),
        category: ["division", "team"],
        series: ageBuckets.map((bucket, index) => ({ key: bucket, colour: bucketColours[index]! })),
      },
    },
    agents: {
      id: "agents",
      title: t("agents.title"),
      description: t("agents.description"),
      table: {
        columns: [
          { key: "agent", label: t("agents.agent"), kind: "text" },
          { key: "repliesSent", label: t("agents.repliesSent"), kind: "count" },
          { key: "ticketsClosed", label: t("agents.ticketsClosed"), kind: "count" },
          { key: "firstResponses", label: t("agents.firstResponses"), kind: "count" },
          { key: "firstResponseMedian", kind: "minutes", ...minutes(t("agents.firstResponseMedian")) },
        ],
        rows: report.agents.map((agent) => [
          agent.name,
          agent.repliesSent,
          agent.ticketsClosed,
          agent.firstResponse.count,
          wholeMinutes(agent.firstResponse.median),
        ]),
      },
    },
    mailboxes: {
      id: "mailboxes",
      title: t("mailboxes.title"),
      description: t("mailboxes.description"),
      table: {
        columns: [
          { key: "mailbox", label: t("mailboxes.mailbox"), kind: "text" },
          { key: "address", label: t("mailboxes.address"), kind: "text" },
          { key: "division", label: t("mailboxes.division"), kind: "text" },
          { key: "state", label: t("mailboxes.state"), kind: "text" },
          { key: "lastPoll", label: t("mailboxes.lastPoll"), kind: "moment" },
          { key: "failures", label: t("mailboxes.failures"), kind: "count" },
          { key: "lastError", label: t("mailboxes.lastError"), kind: "text" },
          { key: "lastErrorAt", label: t("mailboxes.lastErrorAt"), kind: "moment" },
          { key: "mails", label: t("mailboxes.mails"), kind: "count" },
          { key: "perDay", label: t("mailboxes.perDay"), kind: "perDay", days: report.ticketsPerDay.map((day) => day.day) },
        ],
        rows: report.mailboxes.map((mailbox) => [
          mailbox.name,
          mailbox.address,
          mailbox.divisionName,
          t(`mailboxes.states.${mailboxState(mailbox.active, mailbox.connectionState)}`),
          mailbox.lastPollAt,
          mailbox.failureCount,
          mailbox.lastErrorCode ? tMailboxes(`failures.${connectionFailureOf(mailbox.lastErrorCode)}.title`) : null,
          mailbox.lastErrorAt,
          mailbox.mails,
          perDayCounts(report.ticketsPerDay.map((day) => day.day), mailbox.mailsPerDay),
        ]),
      },
    },
    serviceLevels: {
      id: "service-levels",
      title: t("serviceLevels.title"),
      description: t("serviceLevels.description"),
      table: {
        columns: [
          { key: "target", label: t("serviceLevels.target"), kind: "text" },
          { key: "met", label: t("serviceLevels.met"), kind: "count" },
          { key: "missed", label: t("serviceLevels.missed"), kind: "count" },
          { key: "share", label: t("serviceLevels.share"), csvLabel: t("percentColumn", { label: t("serviceLevels.share") }), kind: "share" },
        ],
        rows: (["firstResponse", "resolution"] as const).map((target) => {
          const level = report.serviceLevels[target];
          return [t(`serviceLevels.${target}`), level.met, level.missed, level.share];
        }),
      },
    },
  } satisfies Record<string, Figure>;
}

/** The state a person reads: a paused mailbox is paused whatever its last connection did. */
function mailboxState(active: boolean, connectionState: string) {
  if (!active) return "paused";
  // The figures carry the column as text; it is the database's enum, so nothing else arrives.
  const known = mailboxConnectionStateEnum.enumValues.find((state) => state === connectionState);
  if (!known) throw new Error(`unknown connection state ${connectionState}`);
  return known;
}

/** One count per day of the range, zero where the mailbox received nothing. */
function perDayCounts(days: string[], counts: { day: string; count: number }[]): number[] {
  const byDay = new Map(counts.map((one) => [one.day, one.count]));
  return days.map((day) => byDay.get(day) ?? 0);
}

/** Durations are shown and exported to the minute: the chart, the table and the CSV agree. */
function wholeMinutes(value: number | null): number | null {
  return value === null ? null : Math.round(value);
}
