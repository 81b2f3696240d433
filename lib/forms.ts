import { z } from "zod";
import type { FieldErrors } from "./errors";

/** FormData as a plain object; a name given several times (checkbox groups) becomes an array. */
export function formDataToObject(form: FormData): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION")) continue;
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

/** A checkbox: present ("on"), "true" or true is checked; absent is unchecked. */
export const checkbox = z.preprocess(
  (value) => value === true || value === "on" || value === "true",
  z.boolean(),
);

/** A list typed as text (commas, spaces or new lines between items), or already an array. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => {
    if (value === undefined || value === null) return [];
    const raw = Array.isArray(value) ? value : String(value).split(/[\s,;]+/);
    return raw.map((entry) => String(entry).trim()).filter(Boolean);
  }, z.array(item));
}

/** A whole number from a text field; blank becomes null where the schema allows it. */
export function optionalInt(schema: z.ZodInt) {
  return z.preprocess(
    (value) => (value === "" || value === undefined || value === null ? null : Number(value)),
    schema.nullable(),
  );
}

export function requiredInt(schema: z.ZodInt) {
  return z.preprocess(
    (value) => (value === "" || value === undefined || value === null ? undefined : Number(value)),
    schema,
  );
}

/** A uuid from a select, where the empty option means none. */
export const optionalUuid = z.preprocess(
  (value) => (value === "" || value === undefined ? null : value),
  z.uuid().nullable(),
);

// A key, or a path of keys ("passwordWarning.simpleRepeat").
const MESSAGE_KEY = /^[a-zA-Z][a-zA-Z0-9]*(\.[a-zA-Z][a-zA-Z0-9]*)*$/;

/**
 * Field errors as message keys under `errors.`: a schema's own message when it is a key
 * (`z.string().min(1, "required")`), else a key for the kind of problem.
 */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "_form";
    const key = MESSAGE_KEY.test(issue.message) ? issue.message : keyForIssue(issue);
    (out[field] ??= []).includes(key) || out[field].push(key);
  }
  return out;
}

function keyForIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined || issue.input === "" ? "required" : "invalid";
    case "too_small":
      return issue.origin === "string" ? "tooShort" : "tooSmall";
    case "too_big":
      return issue.origin === "string" ? "tooLong" : "tooBig";
    case "invalid_format":
      return issue.format === "email" ? "invalidEmail" : "invalidFormat";
    case "invalid_value":
      return "invalidChoice";
    default:
      return "invalid";
  }
}
