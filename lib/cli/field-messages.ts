import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import type { FieldErrors } from "@/lib/errors";
import en from "@/messages/en.json";
import { type OptionSpec, toKebab } from "./command";

/**
 * The CLI's English for the message keys that schemas and rules raise (the web app shows the same
 * keys from messages/*.json). `choices` completes "must be one of" for options with a fixed set.
 */
const sentences: Record<string, string> = {
  required: "is required",
  invalid: "is not valid",
  invalidInput: "is not valid",
  tooShort: "is too short",
  tooLong: "is too long",
  tooSmall: "is too small",
  tooBig: "is too big",
  invalidFormat: "has the wrong format",
  invalidEmail: "must be an email address",
  emailTaken: "already belongs to an account (someone with an account joins another company by invitation)",
  passwordTooShort: `must be at least ${MIN_PASSWORD_LENGTH} characters long`,
  passwordWeak: "is too easy to guess",
  tagFormat: "must be 2 to 10 capital letters or digits, starting with a letter (such as SALES)",
  tagTaken: "is already the tag of another division of this company",
  divisionNameTaken: "is already the name of another division of this company",
  teamNameTaken: "is already the name of another team of this division",
  mailboxNotInDivision: "must be the id of one of the division's mailboxes, from `mailbox list`",
  teamNotInDivision: "must be the id of one of the teams of the division the ticket goes to, from `team list`",
  domainFormat: "must be domain names such as example.com, separated by commas",
  domainOrAddressFormat: "must be domain names (example.com) or email addresses, separated by commas",
  wholeNumber: "must be a whole number",
  intervalRange: "must be a whole number between 1 and 1440",
  autoCloseRange: "must be a whole number of days between -1 (never) and 3650, or none (close when answered)",
  suggestionsRange: "must be a whole number between 0 and 20",
  trashRetentionRange: "must be a whole number of days between 1 and 3650",
  notBoolean: "must be true or false (yes/no, on/off and 1/0 work too)",
  hostFormat: "must be a host name such as imap.example.com, or an IP address",
  portRange: "must be a port number between 1 and 65535",
  timeoutRange: "must be a whole number of seconds between 5 and 300",
  retentionRange: "must be a whole number of days between 1 and 3650",
  protocolLocked: "cannot change once mail has been downloaded: add a new mailbox to switch protocols",
  mailSizeRange: "must be a whole number of megabytes between 1 and 100",
  confirmationsRange: "must be a whole number between 1 and 100",
  tagHasComma: "must be tags separated by commas, none containing a comma itself",
  tagTooLong: "must be tags of at most 32 characters each",
  tooManyTags: "would leave the ticket with more than 20 tags",
  teamOfThisDivision: "must be the id of one of the division's teams, from `team list`",
  activeMemberOnly: "must be the user id of an active member of this company",
  timeFormat: "must be times of day as HH:MM (00:00 to 24:00), such as mon-fri 09:00-17:00",
  hoursOrder: "must end each day's hours after they start, such as 09:00-17:00",
  noOpenDay: "must open on at least one day, or be always",
  dateFormat: "must be dates as YYYY-MM-DD, separated by commas",
  targetRange: "must be a duration of business time from 1 minute to 525600 minutes (365 days), or none",
  escalateRange: "must be a duration from 1 minute to 10080 minutes (7 days)",
  timeZoneUnknown: "must be a time zone such as Europe/Warsaw or America/New_York (IANA names)",
  pgpKeyUnusable: "is not a private key that can be unlocked with the passphrase given (check the file and --passphrase-stdin)",
};

/** Options that hold ids of other rows: "invalidChoice" there means no such row in this company. */
const references: Record<string, string> = {
  "default-knowledge-base-id": "must be the id of one of this company's knowledge bases, or none",
  "unprocessed-template-id": "must be the id of one of this division's notify-unprocessed templates, or none",
  "unprocessed-recipient-ids": "must be ids of members of this company, separated by commas",
  "mass-mail-from-mailbox-id": "must be the id of one of this division's mailboxes, or none",
};

export function describeFieldError(key: string, option: string, choices?: readonly string[]): string {
  if (key === "invalidChoice" || (key === "invalidFormat" && references[option])) {
    if (references[option]) return references[option];
    if (choices) return `must be one of: ${choices.join(", ")}`;
    return "is not one of the allowed values";
  }
  return sentences[key] ?? passwordFeedback(key) ?? `is not valid (${key})`;
}

/** The password estimator's reasons (lib/auth/password-strength.ts), as the web app words them. */
function passwordFeedback(key: string): string | undefined {
  const [group, name] = key.split(".");
  if (group !== "passwordWarning" && group !== "passwordSuggestion") return undefined;
  return (en.errors[group] as Record<string, string>)[name ?? ""];
}

/**
 * A lib's field errors (message keys per input field) as sentences per command-line option:
 * `fieldOptions` names the option of a field whose name differs (`companyName` → `name`), the rest
 * are the field in kebab-case. A list's bad entry (`spamDomains.2`) is the list's option.
 */
export function optionErrors(
  fieldErrors: FieldErrors,
  fieldOptions: Record<string, string>,
  options: Record<string, OptionSpec>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [path, keys] of Object.entries(fieldErrors)) {
    const field = path.split(".")[0] ?? path;
    const option = fieldOptions[field] ?? toKebab(field);
    // `_form`: a problem of the input as a whole, not of one option.
    const sentences = (out[field === "_form" ? "input" : `--${option}`] ??= []);
    for (const key of keys) {
      const sentence = describeFieldError(key, option, options[option]?.choices);
      if (!sentences.includes(sentence)) sentences.push(sentence);
    }
  }
  return out;
}
