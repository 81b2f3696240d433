import { useTranslations } from "next-intl";
import { errorsFor } from "@/app/_components/form";
import type { FieldErrors } from "@/lib/errors";
import type { MailboxFormValues } from "./form-values";

export type Protocol = MailboxFormValues["protocol"];
export type Security = MailboxFormValues["security"];

export const SECURITIES: Security[] = ["tls", "starttls", "none"];

export type Field = keyof MailboxFormValues | "password" | "smtpPassword";
const COMMON_FIELDS: Field[] = [
  "name",
  "address",
  "active",
  "privateMail",
  "protocol",
  "security",
  "host",
  "port",
  "connectTimeoutSeconds",
  "username",
  "password",
  "smtpHost",
  "smtpSecurity",
  "smtpPort",
  "smtpTimeoutSeconds",
  "smtpAuthRequired",
  "smtpSameCredentials",
  "smtpUsername",
  "smtpPassword",
  "smtpDisplayName",
  "smtpReplyTo",
  "belongsTo",
  "teamId",
  "ownerUserId",
  "defaultPriority",
  "defaultTags",
  "defaultAssigneeId",
  "personalAssignment",
];
/** The fields each protocol shows, so that an alert lists only the errors with no field on screen. */
export const FIELDS_OF: Record<Protocol, Field[]> = {
  imap: [...COMMON_FIELDS, "folder", "processedFolder", "unprocessedFolder"],
  pop3: [...COMMON_FIELDS, "pop3LeaveCopy", "pop3RemoveAfterDays", "pop3RemoveWhenDeleted"],
};

export interface SectionProps {
  /** The values as last saved (or the initial ones): a section shows them when it mounts. */
  values: MailboxFormValues;
  /** From the last save or connection check, whichever came last. */
  fieldErrors: FieldErrors | undefined;
}

export function useFieldProps(fieldErrors: FieldErrors | undefined) {
  const t = useTranslations("mailboxForm");
  const errors = (name: Field) => errorsFor(fieldErrors, name);
  /** What every field shares: its name as id, its label, help line and errors. */
  const field = (name: Exclude<Field, "password" | "smtpPassword">) => ({
    id: name,
    name,
    label: t(`fields.${name}.label`),
    help: t(`fields.${name}.help`),
    errors: errors(name),
  });
  return { field, errors };
}
