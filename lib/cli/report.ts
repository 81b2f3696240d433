import { operatorScope, withTenant } from "@/db/tenant";
import { getDivision } from "@/lib/divisions/divisions";
import { divisionReport } from "@/lib/inbound/report";
import type { Command } from "./command";
import { outcomePairs } from "./inbound-outcomes";
import { divisionOption, tenantOfDivision } from "./lookup";
import { labelled } from "./output";

export const report: Command = {
  words: ["report"],
  summary: "count what became of a division's mail: tickets, messages, the waiting list",
  description:
    "Every inbound mail, polled or imported, counts under exactly one outcome; `inbound` adds up to\n" +
    "`inboundTotal`.",
  options: { division: divisionOption },
  async run(values, context) {
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { division, counts } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      return {
        division: await getDivision(tx, scope, divisionId),
        counts: await divisionReport(tx, scope, divisionId),
      };
    });
    const byReason = (reasons: Record<string, number>) =>
      Object.entries(reasons).map(([reason, n]): [string, string] => [`  ${reason}`, String(n)]);
    return {
      json: { division: { id: division.id, name: division.name, tag: division.tag }, ...counts },
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
      ].join("\n"),
    };
  },
};
