import { z } from "zod";
import { automationModeEnum, type Division } from "@/db/schema";
import { checkbox, listOf, optionalInt, optionalUuid, requiredInt } from "@/lib/forms";
import { locales } from "@/lib/i18n/routing";
import { isTimeZone, minutesOfDay } from "./business-hours";

/**
 * Every help-desk setting of a division, validated the same way for the web form and the CLI.
 * Messages are keys under `errors.`.
 */

const domain = z
  .string()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, "domainFormat");

/** Spam lists take whole domains or single addresses. */
const domainOrAddress = z
  .string()
  .toLowerCase()
  .refine(
    (value) => domain.safeParse(value).success || z.email().safeParse(value).success,
    "domainOrAddressFormat",
  );

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, "timeFormat");

const dayHours = z
  .object({ start: clockTime, end: clockTime })
  .refine((hours) => minutesOfDay(hours.end) > minutesOfDay(hours.start), "hoursOrder")
  .nullable();

/**
 * Seven days of open hours, Monday first, or null for around the clock; the form sends it as JSON
 * (the CLI parses its own text form, lib/cli/business-hours.ts).
 */
export const weeklyHoursSchema = z.preprocess(
  (value) => {
    if (value === "" || value === undefined || value === null) return null;
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  },
  z
    .array(dayHours, "invalidFormat")
    .length(7, "invalidFormat")
    .refine((days) => days.some((day) => day !== null), "noOpenDay")
    .nullable(),
);

const holiday = z.iso.date("dateFormat");

/** In business minutes: up to a year of them. */
const targetMinutes = optionalInt(z.int("wholeNumber").min(1, "targetRange").max(525_600, "targetRange"));

/** A week: also what bounds the escalation sweep's scan (lib/tickets/escalation.ts). */
export const MAX_ESCALATE_BEFORE_MINUTES = 10_080;

export const divisionTag = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9]{1,9}$/, "tagFormat");

export const divisionName = z.string().trim().min(1, "required").max(80, "tooLong");

export const automationModes = automationModeEnum.enumValues;

export const divisionSettingsSchema = z.object({
  name: divisionName,
  tag: divisionTag,
  dispatcherActive: checkbox,
  sendingEnabled: checkbox,
  language: z.enum(locales, "invalidChoice"),
  pollIntervalMinutes: requiredInt(z.int("wholeNumber").min(1, "intervalRange").max(1440, "intervalRange")),
  automationMode: z.enum(automationModes, "invalidChoice"),
  sendConfirmations: checkbox,
  checkSenderOnSubjectMatch: checkbox,
  autoCloseDays: optionalInt(z.int("wholeNumber").min(-1, "autoCloseRange").max(3650, "autoCloseRange")),
  highlightDomains: listOf(domain),
  spamDomains: listOf(domainOrAddress),
  showAnswered: checkbox,
  showOnHold: checkbox,
  /** Shown to customers in the help center and to staff. */
  defaultKnowledgeBaseId: optionalUuid,
  /** Suggests answers on the division's tickets, up to maxSuggestions of them. */
  defaultSupportKnowledgeBaseId: optionalUuid,
  maxSuggestions: requiredInt(z.int("wholeNumber").min(0, "suggestionsRange").max(20, "suggestionsRange")),
  maxMailSizeMegabytes: requiredInt(z.int("wholeNumber").min(1, "mailSizeRange").max(100, "mailSizeRange")),
  unprocessedRecipientIds: listOf(z.uuid()),
  unprocessedTemplateId: optionalUuid,
  /** A cap on confirmations to one sender, so that two autoresponders cannot mail each other forever. */
  confirmationsPerSenderPerHour: requiredInt(
    z.int("wholeNumber").min(1, "confirmationsRange").max(100, "confirmationsRange"),
  ),
  plusAddressing: checkbox,
  markOutgoingPrivate: checkbox,
  massMailFromMailboxId: optionalUuid,
  /** Days a deleted ticket, message or waiting-list entry stays restorable before it is deleted for good. */
  trashRetentionDays: requiredInt(z.int("wholeNumber").min(1, "trashRetentionRange").max(3650, "trashRetentionRange")),
  /** Service levels: the clock they count on, and the targets (lib/divisions/service-targets.ts). */
  timeZone: z.string().trim().refine(isTimeZone, "timeZoneUnknown"),
  businessHours: weeklyHoursSchema,
  holidays: listOf(holiday),
  firstResponseTargetMinutes: targetMinutes,
  resolutionTargetMinutes: targetMinutes,
  escalateBeforeMinutes: requiredInt(
    z.int("wholeNumber").min(1, "escalateRange").max(MAX_ESCALATE_BEFORE_MINUTES, "escalateRange"),
  ),
});

export type DivisionSettings = z.output<typeof divisionSettingsSchema>;
export type DivisionSettingName = keyof DivisionSettings;
export const divisionSettingNames = Object.keys(divisionSettingsSchema.shape) as DivisionSettingName[];

/** For `division set`: any subset of the settings. */
export const divisionSettingsPatchSchema = divisionSettingsSchema.partial();
export type DivisionSettingsPatch = z.output<typeof divisionSettingsPatchSchema>;

/** A division with the settings kept beside its row: the staff it tells about unprocessed mail, its holidays. */
export type DivisionWithSettings = Division & { unprocessedRecipientIds: string[]; holidays: string[] };

/**
 * Just the settings of a division, for forms and the CLI: the row also holds sealed secrets and
 * counters that never leave the server.
 */
export function settingsOf(division: DivisionWithSettings): DivisionSettings {
  return Object.fromEntries(
    divisionSettingNames.map((name) => [name, division[name]]),
  ) as DivisionSettings;
}
