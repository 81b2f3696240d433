import type { MailboxView } from "@/lib/mailboxes/mailboxes";
import { defaultInboundPort, defaultSmtpPort } from "@/lib/mailboxes/ports";
import type { MailboxOwnership, PERSONAL_ASSIGNMENTS } from "@/lib/mailboxes/ownership";
import type { MailboxSettings } from "@/lib/mailboxes/settings";

/**
 * What the mailbox form edits: the settings without the passwords, which are never sent back. The
 * SMTP port and security always have a value for the form's fields, even with no SMTP server.
 */
export type MailboxFormValues = Omit<MailboxSettings, "password" | "smtpPassword" | "smtpPort" | "smtpSecurity"> & {
  smtpPort: number;
  smtpSecurity: NonNullable<MailboxSettings["smtpSecurity"]>;
  /** The form's choices that the columns (team, owner, default assignee) are read from. */
  belongsTo: MailboxOwnership;
  personalAssignment: (typeof PERSONAL_ASSIGNMENTS)[number];
};

export function mailboxFormValues(mailbox: MailboxView): MailboxFormValues {
  return {
    name: mailbox.name,
    address: mailbox.address,
    protocol: mailbox.protocol,
    host: mailbox.host,
    port: mailbox.port,
    security: mailbox.security,
    username: mailbox.username,
    connectTimeoutSeconds: Math.round(mailbox.connectTimeoutMs / 1000),
    active: mailbox.active,
    privateMail: mailbox.privateMail,
    folder: mailbox.folder,
    processedFolder: mailbox.processedFolder,
    unprocessedFolder: mailbox.unprocessedFolder,
    pop3LeaveCopy: mailbox.pop3LeaveCopy,
    pop3RemoveAfterDays: mailbox.pop3RemoveAfterDays,
    pop3RemoveWhenDeleted: mailbox.pop3RemoveWhenDeleted,
    smtpHost: mailbox.smtpHost,
    smtpSecurity: mailbox.smtpSecurity ?? "tls",
    smtpPort: mailbox.smtpPort ?? defaultSmtpPort(mailbox.smtpSecurity ?? "tls"),
    smtpAuthRequired: mailbox.smtpAuthRequired,
    smtpSameCredentials: mailbox.smtpSameCredentials,
    smtpUsername: mailbox.smtpUsername,
    smtpDisplayName: mailbox.smtpDisplayName,
    smtpReplyTo: mailbox.smtpReplyTo,
    smtpTimeoutSeconds: Math.round(mailbox.smtpTimeoutMs / 1000),
    belongsTo: mailbox.ownerUserId ? "personal" : mailbox.teamId ? "team" : "division",
    teamId: mailbox.teamId,
    ownerUserId: mailbox.ownerUserId,
    defaultPriority: mailbox.defaultPriority,
    defaultTags: mailbox.defaultTags,
    defaultAssigneeId: mailbox.ownerUserId ? null : mailbox.defaultAssigneeId,
    personalAssignment: mailbox.ownerUserId && mailbox.defaultAssigneeId !== mailbox.ownerUserId ? "queue" : "owner",
  };
}

/**
 * A new mailbox starts as IMAP over TLS on its standard port, fetching INBOX; it sends (once an SMTP
 * server is named) over TLS, signing in with the incoming account.
 */
export const newMailboxValues: MailboxFormValues = {
  name: "",
  address: "",
  protocol: "imap",
  host: "",
  port: defaultInboundPort("imap", "tls"),
  security: "tls",
  username: "",
  connectTimeoutSeconds: 30,
  active: true,
  privateMail: false,
  folder: "INBOX",
  processedFolder: null,
  unprocessedFolder: null,
  pop3LeaveCopy: false,
  pop3RemoveAfterDays: null,
  pop3RemoveWhenDeleted: false,
  smtpHost: null,
  smtpSecurity: "tls",
  smtpPort: defaultSmtpPort("tls"),
  smtpAuthRequired: true,
  smtpSameCredentials: true,
  smtpUsername: null,
  smtpDisplayName: null,
  smtpReplyTo: null,
  smtpTimeoutSeconds: 30,
  belongsTo: "division",
  teamId: null,
  ownerUserId: null,
  defaultPriority: "normal",
  defaultTags: [],
  defaultAssigneeId: null,
  personalAssignment: "owner",
};

/**
 * "Replace with IMAP…": the new mailbox's form starts from the old one's name, address, login,
 * server and outgoing settings, with IMAP chosen on its standard port and INBOX to fetch from.
 * Passwords are typed again: they are never sent to the browser.
 */
export function replacementValues(old: MailboxView): MailboxFormValues {
  return {
    ...mailboxFormValues(old),
    protocol: "imap",
    port: defaultInboundPort("imap", old.security),
    active: true,
    folder: "INBOX",
    pop3LeaveCopy: false,
    pop3RemoveAfterDays: null,
    pop3RemoveWhenDeleted: false,
  };
}
