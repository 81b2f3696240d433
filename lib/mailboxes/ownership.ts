// Imports nothing: the mailbox form (a client component) reads these choices too.

/**
 * Whose the mailbox is: the division's (its tickets are everyone's), a team's (its tickets go to
 * the team, and only the team sees them) or one operator's personal account.
 */
export const MAILBOX_OWNERSHIPS = ["division", "team", "personal"] as const;
export type MailboxOwnership = (typeof MAILBOX_OWNERSHIPS)[number];

/** A personal mailbox's new tickets: assigned to its owner, or unassigned in the owner's personal queue. */
export const PERSONAL_ASSIGNMENTS = ["owner", "queue"] as const;
