import type { Role } from "@/db/schema";

export const roles = ["owner", "admin", "agent", "light"] as const satisfies readonly Role[];

/**
 * A light agent reads what an agent reads and changes nothing: the action door refuses them every
 * action not marked as leaving the company's data as it is (lib/auth/action.ts).
 */
export function isReadOnly(role: Role): boolean {
  return role === "light";
}

/** Seed rule: "Only Administrator users can modify email settings". */
export function canManageMailSettings(role: Role): boolean {
  return role === "owner" || role === "admin";
}

export function canManageMembers(role: Role): boolean {
  return role === "owner" || role === "admin";
}

export function canManageDivisions(role: Role): boolean {
  return role === "owner" || role === "admin";
}

/** Teams decide which mailbox a ticket's mail leaves from: administrators only. Any member moves tickets between them. */
export function canManageTeams(role: Role): boolean {
  return role === "owner" || role === "admin";
}

/** A division's canned replies speak for the division: administrators write them; anyone writes their own. */
export function canManageDivisionCannedReplies(role: Role): boolean {
  return role === "owner" || role === "admin";
}

/** The reports dashboard shows how the whole desk works, everyone's figures included: not for light agents. */
export function canReadReports(role: Role): boolean {
  return role !== "light";
}

/** Only an owner may make or unmake owners. */
export function canAssignRole(actor: Role, from: Role | null, to: Role): boolean {
  if (!canManageMembers(actor)) return false;
  if (actor === "owner") return true;
  return from !== "owner" && to !== "owner";
}

/** A mail as received (its headers, its `.eml`) can show what staff should not see: administrators only. */
export function canReadReceivedMail(role: Role): boolean {
  return role === "owner" || role === "admin";
}

/** Knowledge bases and their categories are the company's shelves: administrators set them up; any agent writes articles. */
export function canManageKnowledgeBases(role: Role): boolean {
  return role === "owner" || role === "admin";
}
