import { and, asc, count, eq, ne, notInArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { findDivisionMailbox } from "@/db/queries/mailboxes";
import { areMembers } from "@/db/queries/members";
import { violatedConstraint } from "@/db/query-error";
import { mailboxes, type Team, teamMembers, teams, tickets, users } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { canManageTeams } from "@/lib/auth/roles";
import { getDivision, listDivisions } from "@/lib/divisions/divisions";
import { ForbiddenError, NotFoundError, RuleError } from "@/lib/errors";
import { listOf, optionalUuid } from "@/lib/forms";
import type { TenantScope } from "@/db/tenant";

export const teamName = z.string().trim().min(1, "required").max(80, "tooLong");

/** The team form: its name, the mailbox its tickets' mail leaves from (none: the division's default), its people. */
export const teamSettingsSchema = z.object({
  name: teamName,
  outboundMailboxId: optionalUuid,
  memberIds: listOf(z.uuid()),
});

export type TeamSettings = z.output<typeof teamSettingsSchema>;

/** A team as its division's list shows it. */
export type TeamSummary = Team & {
  outboundMailboxName: string | null;
  outboundMailboxAddress: string | null;
  memberCount: number;
};

export interface TeamMember {
  userId: string;
  name: string;
  email: string;
}

export async function listTeams(tx: Executor, scope: TenantScope, divisionId: string): Promise<TeamSummary[]> {
  await getDivision(tx, scope, divisionId);
  const memberCounts = tx
    .select({ teamId: teamMembers.teamId, members: count().as("members") })
    .from(teamMembers)
    .where(eq(teamMembers.tenantId, scope.tenantId))
    .groupBy(teamMembers.teamId)
    .as("member_counts");
  const rows = await tx
    .select({
      team: teams,
      outboundMailboxName: mailboxes.name,
      outboundMailboxAddress: mailboxes.address,
      memberCount: sql<number>`coalesce(${memberCounts.members}, 0)::int`,
    })
    .from(teams)
    .leftJoin(mailboxes, and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, teams.outboundMailboxId)))
    .leftJoin(memberCounts, eq(memberCounts.teamId, teams.id))
    .where(and(eq(teams.tenantId, scope.tenantId), eq(teams.divisionId, divisionId)))
    .orderBy(asc(teams.name));
  return rows.map(({ team, ...rest }) => ({ ...team, ...rest }));
}

export async function getTeam(tx: Executor, scope: TenantScope, teamId: string): Promise<Team> {
  const [team] = await tx
    .select()
    .from(teams)
    .where(and(eq(teams.tenantId, scope.tenantId), eq(teams.id, teamId)));
  if (!team) throw new NotFoundError("team");
  return team;
}

export async function listTeamMembers(tx: Executor, scope: TenantScope, teamId: string): Promise<TeamMember[]> {
  await getTeam(tx, scope, teamId);
  return tx
    .select({ userId: users.id, name: users.name, email: users.email })
    .from(teamMembers)
    .innerJoin(users, eq(users.id, teamMembers.userId))
    .where(and(eq(teamMembers.tenantId, scope.tenantId), eq(teamMembers.teamId, teamId)))
    .orderBy(asc(users.name));
}

export async function createTeam(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; name: string; outboundMailboxId: string | null },
): Promise<Team> {
  assertMayManage(scope);
  await getDivision(tx, scope, input.divisionId);
  await assertValid(tx, scope, input);
  const [team] = await refuseTakenName(() =>
    tx
      .insert(teams)
      .values({
        tenantId: scope.tenantId,
        divisionId: input.divisionId,
        name: input.name,
        outboundMailboxId: input.outboundMailboxId,
      })
      .returning(),
  );
  if (!team) throw new Error("Team insert returned nothing");
  await recordAudit(tx, scope, "team.created", { type: "team", id: team.id }, {
    divisionId: team.divisionId,
    name: team.name,
    outboundMailboxId: team.outboundMailboxId,
  });
  return team;
}

export async function updateTeam(
  tx: Executor,
  scope: TenantScope,
  input: { teamId: string; name: string; outboundMailboxId: string | null },
): Promise<Team> {
  assertMayManage(scope);
  const current = await getTeam(tx, scope, input.teamId);
  await assertValid(tx, scope, { divisionId: current.divisionId, ...input });
  const [team] = await refuseTakenName(() =>
    tx
      .update(teams)
      .set({ name: input.name, outboundMailboxId: input.outboundMailboxId })
      .where(and(eq(teams.tenantId, scope.tenantId), eq(teams.id, current.id)))
      .returning(),
  );
  const changed = (["name", "outboundMailboxId"] as const).filter((key) => current[key] !== input[key]);
  if (changed.length > 0) {
    await recordAudit(tx, scope, "team.updated", { type: "team", id: current.id }, { changed });
  }
  return team!;
}

/** Deletes a team; its tickets stay in the division with no team (they send from its default mailbox). */
export async function deleteTeam(tx: Executor, scope: TenantScope, teamId: string): Promise<void> {
  assertMayManage(scope);
  const team = await getTeam(tx, scope, teamId);
  // The foreign key would do the same; done here so that the audit can say how many tickets it touched.
  const released = await tx
    .update(tickets)
    .set({ teamId: null })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.teamId, team.id)))
    .returning({ id: tickets.id });
  await tx.delete(teams).where(and(eq(teams.tenantId, scope.tenantId), eq(teams.id, team.id)));
  await recordAudit(tx, scope, "team.deleted", { type: "team", id: team.id }, {
    divisionId: team.divisionId,
    name: team.name,
    ticketsWithoutTeam: released.length,
  });
}

/** Makes exactly these users the team's members; each must be a member of the tenant. */
export async function setTeamMembers(
  tx: Executor,
  scope: TenantScope,
  input: { teamId: string; userIds: string[] },
): Promise<string[]> {
  assertMayManage(scope);
  const team = await getTeam(tx, scope, input.teamId);
  const wanted = [...new Set(input.userIds)];
  if (!(await areMembers(tx, scope, { userIds: wanted }))) {
    throw new RuleError("invalidInput", { memberIds: ["invalidChoice"] });
  }
  const removed = await tx
    .delete(teamMembers)
    .where(
      and(
        eq(teamMembers.tenantId, scope.tenantId),
        eq(teamMembers.teamId, team.id),
        wanted.length > 0 ? notInArray(teamMembers.userId, wanted) : undefined,
      ),
    )
    .returning({ userId: teamMembers.userId });
  const added =
    wanted.length === 0
      ? []
      : await tx
          .insert(teamMembers)
          .values(wanted.map((userId) => ({ tenantId: scope.tenantId, teamId: team.id, userId })))
          .onConflictDoNothing()
          .returning({ userId: teamMembers.userId });
  if (added.length > 0 || removed.length > 0) {
    await recordAudit(tx, scope, "team.members_changed", { type: "team", id: team.id }, {
      added: added.map((m) => m.userId),
      removed: removed.map((m) => m.userId),
    });
  }
  return wanted;
}

function assertMayManage(scope: TenantScope): void {
  if (!canManageTeams(scope.role)) throw new ForbiddenError();
}

/** The name is free in the division (in any case) and the outbound mailbox is one of the division's own. */
async function assertValid(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; name: string; outboundMailboxId: string | null; teamId?: string },
): Promise<void> {
  const fieldErrors: Record<string, string[]> = {};
  const [sameName] = await tx
    .select({ id: teams.id })
    .from(teams)
    .where(
      and(
        eq(teams.tenantId, scope.tenantId),
        eq(teams.divisionId, input.divisionId),
        sql`lower(${teams.name}) = lower(${input.name})`,
        input.teamId ? ne(teams.id, input.teamId) : undefined,
      ),
    );
  if (sameName) fieldErrors.name = ["teamNameTaken"];
  if (input.outboundMailboxId) {
    const mailbox = await findDivisionMailbox(tx, scope, { divisionId: input.divisionId, mailboxId: input.outboundMailboxId });
    if (!mailbox) fieldErrors.outboundMailboxId = ["mailboxNotInDivision"];
  }
  if (Object.keys(fieldErrors).length > 0) throw new RuleError("invalidInput", fieldErrors);
}

/**
 * Two people saving the same new name at once both pass the check above; the unique key
 * teams_division_name_key stops the second, and it gets the same answer as if it had come later.
 */
async function refuseTakenName<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (violatedConstraint(error) === "teams_division_name_key") {
      throw new RuleError("invalidInput", { name: ["teamNameTaken"] });
    }
    throw error;
  }
}

/** A division as a "move to" or "convert into" menu offers it: with its teams. */
export interface DivisionWithTeams {
  id: string;
  name: string;
  tag: string;
  /** What the division's default queue view shows beside open tickets. */
  showAnswered: boolean;
  showOnHold: boolean;
  /** Where the division's days begin (the reports count in it). */
  timeZone: string;
  teams: { id: string; name: string }[];
}

/** Every division of the tenant with its teams: where a ticket can be moved or a held mail converted. */
export async function listDivisionsWithTeams(tx: Executor, scope: TenantScope): Promise<DivisionWithTeams[]> {
  const divisions = await listDivisions(tx, scope);
  // One read of the tenant's teams for all divisions: this serves every ticket and queue page.
  const all = await tx
    .select({ id: teams.id, name: teams.name, divisionId: teams.divisionId })
    .from(teams)
    .where(eq(teams.tenantId, scope.tenantId))
    .orderBy(asc(teams.name));
  return divisions.map((division) => ({
    id: division.id,
    name: division.name,
    tag: division.tag,
    showAnswered: division.showAnswered,
    showOnHold: division.showOnHold,
    timeZone: division.timeZone,
    teams: all.filter((team) => team.divisionId === division.id).map(({ id, name }) => ({ id, name })),
  }));
}
