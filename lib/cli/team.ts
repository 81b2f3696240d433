import { z } from "zod";
import { operatorScope, withTenant } from "@/db/tenant";
import { getDivision } from "@/lib/divisions/divisions";
import { getMailbox } from "@/lib/mailboxes/mailboxes";
import { createTeam, listTeams, teamName } from "@/lib/teams/teams";
import type { Command } from "./command";
import { divisionOption, tenantOfDivision } from "./lookup";
import { labelled, table } from "./output";

const newTeamSchema = z.object({ name: teamName, outboundMailboxId: z.uuid().nullable() });

export const teamCreate: Command = {
  words: ["team", "create"],
  summary: "add a team to a division",
  description:
    "A team's tickets send their mail from the team's mailbox; a team without one sends from the\n" +
    "division's default mailbox. Members are chosen on the team's page in the app.",
  options: {
    division: divisionOption,
    name: { value: "NAME", description: "the team's name, unique in the division", required: true },
    mailbox: {
      value: "ID",
      description: "the mailbox its tickets' mail leaves from, one of the division's (`mailbox list`)",
    },
  },
  fieldOptions: { outboundMailboxId: "mailbox" },
  async run(values, context) {
    const input = newTeamSchema.parse({ name: values.name, outboundMailboxId: values.mailbox ?? null });
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { team, division, mailbox } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      const team = await createTeam(tx, scope, { divisionId, ...input });
      return {
        team,
        division: await getDivision(tx, scope, divisionId),
        mailbox: team.outboundMailboxId ? await getMailbox(tx, scope, team.outboundMailboxId) : null,
      };
    });
    return {
      json: {
        id: team.id,
        divisionId: team.divisionId,
        name: team.name,
        outboundMailbox: mailbox && { id: mailbox.id, name: mailbox.name, address: mailbox.address },
        createdAt: team.createdAt,
      },
      human: [
        `Created team ${team.name} in ${division.name} (${division.tag}): ${team.id}`,
        labelled([["sends from", mailbox ? `${mailbox.name} <${mailbox.address}>` : "the division's default mailbox"]]),
      ].join("\n"),
    };
  },
};

export const teamList: Command = {
  words: ["team", "list"],
  summary: "list a division's teams",
  options: { division: divisionOption },
  async run(values, context) {
    const db = await context.database();
    const divisionId = values.division!;
    const tenant = await tenantOfDivision(db, divisionId);
    const { division, teams } = await withTenant(db, tenant.id, async (tx) => {
      const scope = operatorScope(tenant.id);
      return { division: await getDivision(tx, scope, divisionId), teams: await listTeams(tx, scope, divisionId) };
    });
    return {
      json: teams.map((team) => ({
        id: team.id,
        divisionId: team.divisionId,
        name: team.name,
        outboundMailbox: team.outboundMailboxId
          ? { id: team.outboundMailboxId, name: team.outboundMailboxName, address: team.outboundMailboxAddress }
          : null,
        memberCount: team.memberCount,
        createdAt: team.createdAt,
      })),
      human:
        teams.length === 0
          ? `${division.name} (${division.tag}) has no teams. Add one with \`postdesk team create\`.`
          : table(
              ["ID", "MEMBERS", "SENDS FROM", "NAME"],
              teams.map((team) => [
                team.id,
                String(team.memberCount),
                team.outboundMailboxAddress ?? "division default",
                team.name,
              ]),
            ),
    };
  },
};

export const teamCommands = [teamCreate, teamList];
