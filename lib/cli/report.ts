import { operatorScope, withTenant } from "@/db/tenant";
import { getDivision } from "@/lib/divisions/divisions";
import { divisionReport } from "@/lib/inbound/report";
import type { Durations, Report } from "@/lib/reports/figures";
import { daysEndingOn, isDay, MAX_RANGE_DAYS, rangeLength, recentDays } from "@/lib/reports/range";
import { report as dashboardReport } from "@/lib/reports/report";
import { getTeam } from "@/lib/teams/teams";
import { type Command, InvalidInputError, type OptionValues } from "./command";
import { outcomeLine, outcomePairs } from "./inbound-outcomes";
import { divisionOption, tenantOfDivision } from "./lookup";
import { labelled, table } from "./output";

export const report: Command = {
  words: ["report"],
  summary: "count what became of a division's mail, and show the dashboard's figures for a range of days",
  description:
    "Every inbound mail, polled or imported, counts under exactly one outcome; `inbound` adds up to\n" +
    "`inboundTotal`. `dashboard` holds the figures the dashboard shows for the same division, team and\n" +
    "days (local days in the division's time zone; by default the last 30, today included).",
  options: {
    division: divisionOption,
    from: { value: "YYYY-MM-DD", description: "the first day of the range (default: 29 days before --to)" },
    to: { value: "YYYY-MM-DD", description: "the last day of the range (default: today)" },
    team: { value: "ID", description: "only this team's tickets and its mailboxes' mail" },
  },
  async run(values, context) {
    checkDays(values);
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const scope = operatorScope(tenant.id);
    const { division, team, counts, dashboard } = await withTenant(db, tenant.id, async (tx) => {
      const division = await getDivision(tx, scope, divisionId);
      const team = values.team ? await getTeam(tx, scope, values.team) : null;
      if (team && team.divisionId !== division.id) {
        throw new InvalidInputError({ "--team": ["must be a team of this division"] });
      }
      const range = rangeOf(values, division.timeZone);
      checkRange(range);
      const query = { ...range, timeZone: division.timeZone, divisionId, ...(values.team ? { teamId: values.team } : {}) };
      return {
        division,
        team,
        counts: await divisionReport(tx, scope, divisionId),
        dashboard: await dashboardReport(tx, scope, query),
      };
    });
    const byReason = (reasons: Record<string, number>) =>
      Object.entries(reasons).map(([reason, n]): [string, string] => [`  ${reason}`, String(n)]);
    return {
      json: { division: { id: division.id, name: division.name, tag: division.tag }, ...counts, dashboard },
      human: [
        `Division ${division.name} (${division.tag}) of ${tenant.name}`,
        "",
        labelled([
          ["inbound mail", String(counts.inboundTotal)],
          ...outcomePairs(counts.inbound),
          ["tickets", String(counts.tickets)],
          ["messages", String(counts.messages)],
          ["waiting list", String(counts.waiting)],
          ...byReason(counts.waitingByReason),
          ...(Object.keys(counts.unprocessedByReason).length > 0
            ? [["unprocessed", String(counts.inbound.unprocessed ?? 0)] as [string, string]]
            : []),
          ...byReason(counts.unprocessedByReason),
        ]),
        "",
        ...dashboardSummary(dashboard, team?.name ?? null),
      ].join("\n"),
    };
  },
};

function checkDays(values: OptionValues): void {
  const fields: Record<string, string[]> = {};
  for (const option of ["from", "to"] as const) {
    const value = values[option];
    if (value !== undefined && !isDay(value)) fields[`--${option}`] = ["must be a day, YYYY-MM-DD"];
  }
  if (Object.keys(fields).length > 0) throw new InvalidInputError(fields);
}

function checkRange({ from, to }: { from: string; to: string }): void {
  if (from > to) throw new InvalidInputError({ "--from": [`must not be after the last day, ${to}`] });
  if (rangeLength(from, to) > MAX_RANGE_DAYS) {
    throw new InvalidInputError({ "--from": [`must be at most ${MAX_RANGE_DAYS} days before the last day, ${to}`] });
  }
}

/** The chosen days, or the last 30 up to --to (today by default) in the division's time zone. */
function rangeOf(values: OptionValues, timeZone: string): { from: string; to: string } {
  const range = values.to ? daysEndingOn(values.to) : recentDays(new Date(), timeZone);
  return { from: values.from ?? range.from, to: range.to };
}

function minutes(value: number | null): string {
  if (value === null) return "-";
  return value < 120 ? `${Math.round(value)} min` : `${(value / 60).toFixed(1)} h`;
}

function durations(figure: Durations): string {
  return figure.count === 0 ? "none" : `median ${minutes(figure.median)}, p90 ${minutes(figure.p90)} (${figure.count})`;
}

function share(figure: { met: number; missed: number; share: number | null }): string {
  if (figure.share === null) return "no tickets with this target";
  return `${Math.round(figure.share * 100)} % met (${figure.met} of ${figure.met + figure.missed})`;
}

/** The dashboard's figures in a few lines per group. */
function dashboardSummary(figures: Report, teamName: string | null): string[] {
  const { query } = figures;
  const sum = <T>(rows: T[], of: (row: T) => number) => rows.reduce((total, row) => total + of(row), 0);
  const outcomes: Record<string, number> = {};
  for (const day of figures.inboundPerDay) {
    for (const [outcome, n] of Object.entries(day.outcomes)) outcomes[outcome] = (outcomes[outcome] ?? 0) + n;
  }
  const backlog = figures.backlog.reduce(
    (total, row) => {
      for (const [bucket, n] of Object.entries(row.buckets)) total[bucket as keyof typeof row.buckets] += n;
      return total;
    },
    { day: 0, threeDays: 0, week: 0, month: 0, older: 0 },
  );
  const lines = [
    `Dashboard, ${query.from} to ${query.to} (${query.timeZone})${teamName ? `, team ${teamName}` : ""}`,
    "",
    labelled([
      ["tickets created", String(sum(figures.ticketsPerDay, (day) => day.created))],
      ["tickets closed", String(sum(figures.ticketsPerDay, (day) => day.closed))],
      ["inbound mail", `${sum(figures.inboundPerDay, (day) => day.total)}: ${outcomeLine(outcomes)}`],
      [
        "open now",
        `${sum(figures.backlog, (row) => row.total)}: under a day ${backlog.day}, under 3 days ${backlog.threeDays}, ` +
          `under a week ${backlog.week}, under 30 days ${backlog.month}, older ${backlog.older}`,
      ],
      ["waiting list now", String(figures.waitingList)],
      ["first response", share(figures.serviceLevels.firstResponse)],
      ["resolution", share(figures.serviceLevels.resolution)],
      ["past due now", String(figures.breached)],
      ["due soon", String(figures.breachingSoon)],
    ]),
  ];
  if (figures.responseTimesPerTeam.length > 0) {
    lines.push(
      "",
      table(
        ["TEAM", "FIRST RESPONSE", "RESOLUTION"],
        figures.responseTimesPerTeam.map((team) => [
          team.teamName ?? "(no team)",
          durations(team.firstResponse),
          durations(team.resolution),
        ]),
      ),
    );
  }
  if (figures.agents.length > 0) {
    lines.push(
      "",
      table(
        ["AGENT", "REPLIES", "CLOSED", "MEDIAN FIRST RESPONSE"],
        figures.agents.map((agent) => [
          agent.name,
          String(agent.repliesSent),
          String(agent.ticketsClosed),
          minutes(agent.firstResponse.median),
        ]),
      ),
    );
  }
  if (figures.mailboxes.length > 0) {
    lines.push(
      "",
      table(
        ["MAILBOX", "STATE", "LAST POLL", "FAILURES", "MAILS"],
        figures.mailboxes.map((mailbox) => [
          mailbox.address,
          mailbox.active ? mailbox.connectionState : "inactive",
          mailbox.lastPollAt ?? "never",
          String(mailbox.failureCount),
          String(mailbox.mails),
        ]),
      ),
    );
  }
  return lines;
}
