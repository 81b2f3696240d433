import { z } from "zod";
import { mailProtocolEnum, mailSecurityEnum, ticketPriorityEnum } from "@/db/schema";
import { RuleError } from "@/lib/errors";
import { checkbox, optionalInt, optionalUuid, requiredInt } from "@/lib/forms";
import { normalizeTags } from "@/lib/tags";
import { MAILBOX_OWNERSHIPS, PERSONAL_ASSIGNMENTS } from "./ownership";
import { defaultInboundPort, defaultSmtpPort } from "./ports";

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$|^\[?[0-9a-f:.]+\]?$/, "hostFormat");

const folderName = z.string().trim().max(200, "tooLong");
const blankAsNull = (value: unknown) => (typeof value === "string" && value.trim() === "" ? null : value);
const optionalFolder = z.preprocess(blankAsNull, folderName.nullable());
/** Tags typed as text are separated by commas or new lines (a tag may hold a space); or an array. */
const tagList = z.preprocess(
  (value) => (value === undefined || value === null ? [] : Array.isArray(value) ? value : String(value).split(/[,\n]/)),
  z.array(z.string().max(200, "tooLong")).max(20, "tooManyTags"),
);

/** The form's fields for whose the mailbox is and what its tickets start with (see ownershipColumns). */
export const ownershipFields = {
  belongsTo: z.enum(MAILBOX_OWNERSHIPS, "invalidChoice").default("division"),
  teamId: optionalUuid.default(null),
  ownerUserId: optionalUuid.default(null),
  defaultPriority: z.enum(ticketPriorityEnum.enumValues, "invalidChoice").default("normal"),
  defaultTags: tagList.default([]),
  /** Who the tickets of a division's or team's mailbox go to; none leaves them unassigned. */
  defaultAssigneeId: optionalUuid.default(null),
  personalAssignment: z.enum(PERSONAL_ASSIGNMENTS, "invalidChoice").default("owner"),
};

const optionalPassword = z.preprocess((value) => (value === "" ? undefined : value), z.string().max(1000, "tooLong").optional());

/**
 * A mailbox's settings, for the form and the CLI: the incoming server, and the outgoing (SMTP) one
 * when `smtpHost` is set. Passwords are optional on update: left empty, the stored one stays (the
 * rules in ./mailboxes.ts say when one is required). Exchange-style usernames
 * (`user\shared-mailbox`) are kept as typed.
 */
export const mailboxSettingsSchema = z
  .object({
    name: z.string().trim().min(1, "required").max(80, "tooLong"),
    address: z.email("invalidEmail").transform((a) => a.toLowerCase()),
    protocol: z.enum(mailProtocolEnum.enumValues, "invalidChoice"),
    host: hostname,
    port: optionalInt(z.int("wholeNumber").min(1, "portRange").max(65535, "portRange")),
    security: z.enum(mailSecurityEnum.enumValues, "invalidChoice"),
    username: z.string().min(1, "required").max(320, "tooLong"),
    password: z.preprocess((value) => (value === "" ? undefined : value), z.string().max(1000, "tooLong").optional()),
    connectTimeoutSeconds: requiredInt(z.int("wholeNumber").min(5, "timeoutRange").max(300, "timeoutRange")).default(30),
    active: checkbox,
    privateMail: checkbox,
    folder: folderName.min(1, "required").default("INBOX"),
    processedFolder: optionalFolder.default(null),
    unprocessedFolder: optionalFolder.default(null),
    pop3LeaveCopy: checkbox,
    pop3RemoveAfterDays: optionalInt(z.int("wholeNumber").min(1, "retentionRange").max(3650, "retentionRange")).default(null),
    pop3RemoveWhenDeleted: checkbox,
    smtpHost: z.preprocess(blankAsNull, hostname.nullable()).default(null),
    smtpPort: optionalInt(z.int("wholeNumber").min(1, "portRange").max(65535, "portRange")),
    smtpSecurity: z.enum(mailSecurityEnum.enumValues, "invalidChoice").default("tls"),
    smtpAuthRequired: checkbox,
    smtpSameCredentials: checkbox,
    smtpUsername: z.preprocess(blankAsNull, z.string().max(320, "tooLong").nullable()).default(null),
    smtpPassword: optionalPassword,
    // The name in the From header of what the mailbox sends: one line, or a header injection.
    smtpDisplayName: z
      .preprocess(blankAsNull, z.string().trim().max(200, "tooLong").regex(/^[^\p{Cc}]*$/u, "invalid").nullable())
      .default(null),
    smtpReplyTo: z.preprocess(blankAsNull, z.email("invalidEmail").transform((a) => a.toLowerCase()).nullable()).default(null),
    smtpTimeoutSeconds: requiredInt(z.int("wholeNumber").min(5, "timeoutRange").max(300, "timeoutRange")).default(30),
    ...ownershipFields,
  })
  .transform((settings, ctx) => {
    const issue = (path: string, message: string) => ctx.issues.push({ code: "custom", message, path: [path], input: undefined });
    const ownLogin = usesOwnSmtpLogin(settings);
    if (ownLogin && !settings.smtpUsername) issue("smtpUsername", "required");
    const { belongsTo, personalAssignment, ...rest } = settings;
    const ownership = ownershipColumns(settings, issue);
    if (ctx.issues.length > 0) return z.NEVER;
    const outgoing = settings.smtpHost !== null;
    return {
      ...rest,
      ...ownership,
      port: settings.port ?? defaultInboundPort(settings.protocol, settings.security),
      // Without an outgoing server there is nothing to reach: no port, no security, no own login.
      smtpPort: outgoing ? (settings.smtpPort ?? defaultSmtpPort(settings.smtpSecurity)) : null,
      smtpSecurity: outgoing ? settings.smtpSecurity : null,
      smtpUsername: ownLogin ? settings.smtpUsername : null,
      smtpPassword: ownLogin ? settings.smtpPassword : undefined,
    };
  });

type OwnershipInput = { [K in keyof typeof ownershipFields]: z.output<(typeof ownershipFields)[K]> };

/**
 * The columns of whose the mailbox is and what its tickets start with, from the form's choices:
 * "belongs to" keeps one owner at most, and a personal mailbox's assignee is its owner or no one.
 * `issue` records a complaint at a field (the caller's zod context).
 */
export function ownershipColumns(input: OwnershipInput, issue: (path: string, message: string) => void) {
  if (input.belongsTo === "team" && !input.teamId) issue("teamId", "required");
  if (input.belongsTo === "personal" && !input.ownerUserId) issue("ownerUserId", "required");
  let defaultTags: string[] = [];
  try {
    defaultTags = normalizeTags(input.defaultTags);
  } catch (error) {
    // The tag rule's own refusal (a comma, too long), said next to this field.
    if (!(error instanceof RuleError)) throw error;
    for (const key of error.fieldErrors.tags ?? ["invalid"]) issue("defaultTags", key);
  }
  const personal = input.belongsTo === "personal";
  return {
    teamId: input.belongsTo === "team" ? input.teamId : null,
    ownerUserId: personal ? input.ownerUserId : null,
    defaultPriority: input.defaultPriority,
    defaultTags,
    defaultAssigneeId: personal ? (input.personalAssignment === "owner" ? input.ownerUserId : null) : input.defaultAssigneeId,
  };
}

export type MailboxSettingsInput = z.input<typeof mailboxSettingsSchema>;
export type MailboxSettings = z.output<typeof mailboxSettingsSchema>;

/**
 * Whether the outgoing server signs in with a login of its own (`smtpUsername`, the sealed SMTP
 * password) rather than with the incoming one, or not at all. Holds for settings and stored rows.
 */
export function usesOwnSmtpLogin(mailbox: {
  smtpHost: string | null;
  smtpAuthRequired: boolean;
  smtpSameCredentials: boolean;
}): boolean {
  return mailbox.smtpHost !== null && mailbox.smtpAuthRequired && !mailbox.smtpSameCredentials;
}
