import { z } from "zod";
import { mailProtocolEnum, mailSecurityEnum } from "@/db/schema";
import { checkbox, optionalInt, requiredInt } from "@/lib/forms";
import { defaultInboundPort } from "./ports";

export type MailProtocol = (typeof mailProtocolEnum.enumValues)[number];
export type MailSecurityMode = (typeof mailSecurityEnum.enumValues)[number];

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$|^\[?[0-9a-f:.]+\]?$/, "hostFormat");

const folderName = z.string().trim().max(200, "tooLong");
const optionalFolder = z.preprocess((value) => (typeof value === "string" && value.trim() === "" ? null : value), folderName.nullable());

/**
 * An inbound mailbox's settings, for the form and the CLI. The password is optional on update:
 * left empty, the stored one stays. Exchange-style usernames (`user\shared-mailbox`) are kept as typed.
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
    folder: folderName.min(1, "required").default("INBOX"),
    processedFolder: optionalFolder.default(null),
    unprocessedFolder: optionalFolder.default(null),
    pop3LeaveCopy: checkbox,
    pop3RemoveAfterDays: optionalInt(z.int("wholeNumber").min(1, "retentionRange").max(3650, "retentionRange")).default(null),
    pop3RemoveWhenDeleted: checkbox,
  })
  .transform((settings) => ({
    ...settings,
    port: settings.port ?? defaultInboundPort(settings.protocol, settings.security),
  }));

export type MailboxSettingsInput = z.input<typeof mailboxSettingsSchema>;
export type MailboxSettings = z.output<typeof mailboxSettingsSchema>;
