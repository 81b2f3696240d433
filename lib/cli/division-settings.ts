import type { z } from "zod";
import type { WeeklyHours } from "@/db/schema";
import {
  type DivisionSettingName,
  type DivisionSettingsPatch,
  divisionSettingNames,
  divisionSettingsPatchSchema,
  divisionSettingsSchema,
} from "@/lib/divisions/settings";
import { zodFieldErrors } from "@/lib/forms";
import { formatBusinessHours, parseBusinessHours } from "./business-hours";
import { InvalidInputError, type OptionSpec, type OptionValues, toKebab } from "./command";
import { describeFieldError, optionErrors } from "./field-messages";

/**
 * `division set` has one option per division setting, read off `divisionSettingsSchema`: a setting
 * added there is settable here without touching the CLI. The command line only translates
 * spellings (kebab-case names and choices, yes/no, `none`); the schema does the validating, exactly
 * as for the settings form.
 */

type ValueKind = "switch" | "choice" | "number" | "list" | "id" | "text" | "hours" | "minutes";

export interface SettingOption {
  setting: DivisionSettingName;
  /** `pollIntervalMinutes` → `poll-interval-minutes`. */
  option: string;
  kind: ValueKind;
  /** Accepts `none` (or "") for "no value". */
  clearable: boolean;
  /** For choices, as typed on the command line: `convert-and-register`. */
  choices?: string[];
}

// Every setting needs its line of help: a new setting without one does not compile.
const descriptions: Record<DivisionSettingName, string> = {
  name: "the division's name, unique in the company",
  tag: "the tag in ticket subjects, [TAG#123]",
  dispatcherActive: "fetch mail from the division's mailboxes",
  sendingEnabled: "send mail (replies, confirmations, notifications); when off, it waits in the outbox",
  language: "language of customer-facing mail",
  pollIntervalMinutes: "minutes between mailbox checks (1 to 1440)",
  automationMode: "what happens to mail from unknown senders",
  sendConfirmations: "confirm new tickets to the customer",
  checkSenderOnSubjectMatch: "a subject tag threads only mail from the ticket's sender",
  autoCloseDays: "close answered tickets after N days without reply; -1 never; none at once",
  highlightDomains: "sender domains to highlight in the queue",
  spamDomains: "domains or addresses whose mail is blocked",
  showAnswered: "show answered tickets in the queue",
  showOnHold: "show tickets on hold in the queue",
  defaultKnowledgeBaseId: "knowledge base of the public help center, also shown to staff",
  defaultSupportKnowledgeBaseId: "knowledge base that suggests answers on tickets",
  maxSuggestions: "most suggested answers on a ticket (0 to 20; 0 turns them off)",
  maxMailSizeMegabytes: "largest email processed, in MB (1 to 100); bigger mail is set aside",
  unprocessedRecipientIds: "members told about mail that could not be processed",
  unprocessedTemplateId: "template of that notice",
  confirmationsPerSenderPerHour: "most confirmations to one sender per hour (1 to 100), against autoresponder loops",
  plusAddressing: "reply address carries a signed ticket token (support+t1042.k7f3@…); the mail server must deliver plus-addresses",
  markOutgoingPrivate: "mark outgoing email private: staff replies stay out of the customer-facing history",
  massMailFromMailboxId: "mailbox mass mail is sent from; none for the division's default mailbox",
  trashRetentionDays: "days deleted tickets, messages and waiting-list entries stay in the trash before they are deleted for good (1 to 3650)",
  timeZone: "the division's time zone (IANA, such as Europe/Warsaw): its business hours and holidays are local to it",
  businessHours: "open hours the targets count, such as \"mon-fri 09:00-17:00, sat 10:00-14:00\" (days not named are closed), or always",
  holidays: "days closed all day, YYYY-MM-DD separated by commas",
  firstResponseTargetMinutes: "target for the first reply, in business time: minutes (90 or 90m) or hours (4h); none for no target",
  resolutionTargetMinutes: "target for closing a ticket, in business time: minutes (90 or 90m) or hours (4h); none for no target",
  escalateBeforeMinutes: "how long before a target is missed its escalation email goes out, in minutes (30 or 30m) or hours (2h)",
};

/**
 * Settings whose command-line spelling is not their schema's: the weekly hours as text (parsed in
 * ./business-hours.ts), and durations in minutes or hours under shorter names. Days are left out on
 * purpose: a day of business time is not 24 hours, and a target says minutes of it.
 */
const spellings: Partial<Record<DivisionSettingName, { option: string; kind: ValueKind }>> = {
  businessHours: { option: "business-hours", kind: "hours" },
  firstResponseTargetMinutes: { option: "first-response-target", kind: "minutes" },
  resolutionTargetMinutes: { option: "resolution-target", kind: "minutes" },
  escalateBeforeMinutes: { option: "escalate-before", kind: "minutes" },
};

export const settingOptions: SettingOption[] = divisionSettingNames.map(describeSetting);

const bySetting = new Map(settingOptions.map((option) => [option.setting as string, option]));

/** The options of `division set` besides `--division`. */
export const settingOptionSpecs: Record<string, OptionSpec> = Object.fromEntries(
  settingOptions.map((option) => [
    option.option,
    {
      value: placeholder(option),
      description: descriptions[option.setting] ?? "",
      choices: option.choices,
    } satisfies OptionSpec,
  ]),
);

/** Which option each setting is, for error messages. */
export const settingFieldOptions: Record<string, string> = Object.fromEntries(
  settingOptions.map((option) => [option.setting, option.option]),
);

/** The settings given on the command line, validated by the settings schema. */
export function readSettingsPatch(values: OptionValues): DivisionSettingsPatch {
  const input: Record<string, unknown> = {};
  const fields: Record<string, string[]> = {};
  for (const option of settingOptions) {
    const raw = values[option.option];
    if (raw === undefined) continue;
    const value = fromCommandLine(option, raw);
    if (value === undefined) fields[`--${option.option}`] = [describeFieldError("notBoolean", option.option)];
    else input[option.setting] = value;
  }
  const parsed = divisionSettingsPatchSchema.safeParse(input);
  if (!parsed.success) {
    Object.assign(fields, optionErrors(zodFieldErrors(parsed.error), settingFieldOptions, settingOptionSpecs));
  }
  if (!parsed.success || Object.keys(fields).length > 0) throw new InvalidInputError(fields);
  return parsed.data;
}

/** A setting's value as a person reads it, in the spelling `division set` accepts. */
export function displaySetting(setting: DivisionSettingName, value: unknown): string {
  const option = bySetting.get(setting);
  if (setting === "autoCloseDays") {
    if (value === null) return "none (close as soon as answered)";
    if (value === -1) return "-1 (never)";
    return `${String(value)} (days without a reply from the customer)`;
  }
  if (option?.kind === "hours") return formatBusinessHours(value as WeeklyHours | null);
  if (option?.kind === "minutes" && typeof value === "number") {
    return `${value} ${setting === "escalateBeforeMinutes" ? "minutes" : "business minutes"}`;
  }
  if (value === null || value === undefined) return "none";
  if (Array.isArray(value)) return value.length > 0 ? value.join(",") : "none";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (option?.kind === "choice") return toKebab(String(value));
  return String(value);
}

const TRUE_WORDS = new Set(["true", "yes", "on", "1"]);
const FALSE_WORDS = new Set(["false", "no", "off", "0"]);

/** What the schema gets for a value typed on the command line; undefined for a bad yes/no. */
function fromCommandLine(option: SettingOption, raw: string): unknown {
  const word = raw.trim().toLowerCase();
  switch (option.kind) {
    case "switch":
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return undefined;
    case "choice":
      // Postgres enum values are snake_case; on a command line kebab-case reads better.
      return word.replace(/-/g, "_");
    case "hours":
      // Text that is not hours at all goes on as it is, for the schema to call it the wrong format.
      return parseBusinessHours(raw) ?? raw;
    case "minutes": {
      if (option.clearable && word === "none") return "";
      const duration = /^(\d+)\s*(m|h)?$/.exec(word);
      if (!duration) return raw;
      return String(Number(duration[1]) * (duration[2] === "h" ? 60 : 1));
    }
    default:
      // The schema reads "" as "no value" (the blank form field): `none` says it on a command line.
      return option.clearable && word === "none" ? "" : raw;
  }
}

function describeSetting(setting: DivisionSettingName): SettingOption {
  const option = toKebab(setting);
  let def = defOf(divisionSettingsSchema.shape[setting]);
  // Form preprocessing (checkbox, listOf, optionalInt, …) wraps the type the value ends up as.
  if (def.type === "pipe") def = defOf((def as z.core.$ZodPipeDef).out);
  const nullable = def.type === "nullable";
  if (nullable) def = defOf((def as z.core.$ZodNullableDef).innerType);
  const spelling = spellings[setting];
  // Null business hours are "always", not "none".
  if (spelling) return { setting, ...spelling, clearable: nullable && spelling.kind !== "hours" };
  switch (def.type) {
    case "boolean":
      return { setting, option, kind: "switch", clearable: false };
    case "enum":
      return {
        setting,
        option,
        kind: "choice",
        clearable: false,
        choices: Object.values((def as z.core.$ZodEnumDef).entries).map((value) => toKebab(String(value))),
      };
    case "number":
      return { setting, option, kind: "number", clearable: nullable };
    case "array":
      return { setting, option, kind: "list", clearable: true };
    case "string":
      return {
        setting,
        option,
        kind: (def as z.core.$ZodStringFormatDef).format === "uuid" ? "id" : "text",
        clearable: nullable,
      };
    default:
      throw new Error(`division set has no command-line form for a ${def.type} setting (${setting})`);
  }
}

function defOf(schema: z.core.$ZodType): z.core.$ZodTypeDef {
  return schema._zod.def;
}

function placeholder(option: SettingOption): string {
  const orNone = option.clearable ? "|none" : "";
  switch (option.kind) {
    case "switch":
      return "true|false";
    case "choice":
      return (option.choices ?? []).join("|");
    case "number":
      return `N${orNone}`;
    case "list":
      return "A,B,…";
    case "id":
      return `ID${orNone}`;
    case "text":
      return "TEXT";
    case "hours":
      return "DAYS HH:MM-HH:MM,…|always";
    case "minutes":
      return `N|Nm|Nh${orNone}`;
  }
}
