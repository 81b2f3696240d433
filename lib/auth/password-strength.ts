import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";
import * as pl from "@zxcvbn-ts/language-pl";
import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "./password";

/**
 * zxcvbn's scores run 0–4; 3 means at least 10^8 guesses ("safely unguessable: moderate protection
 * from an offline slow-hash attack", and our hashes are argon2id). Below it a password is refused
 * however long it is: "aaaaaaaaaaaa" scores 0.
 */
export const MIN_PASSWORD_SCORE = 3;

/** A new password's length. Its strength depends on the form's other fields: see `strongPassword`. */
export const newPassword = z.string().min(MIN_PASSWORD_LENGTH, "passwordTooShort").max(200, "tooLong");

let estimator: ZxcvbnFactory | undefined;

/**
 * Built on first use, once per process (about 0.4 s: the dictionaries are ranked then). Our users
 * write English and Polish: both languages' words and names count as guessable. Levenshtein matching
 * stays off: it makes a check take half a second instead of milliseconds.
 */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: {
      ...common.dictionary,
      ...en.dictionary,
      ...Object.fromEntries(Object.entries(pl.dictionary).map(([name, words]) => [`${name}-pl`, words])),
    },
    graphs: common.adjacencyGraphs,
  });
  return estimator;
}

/**
 * What the person typed elsewhere on the form (their email, name, company), as words a password
 * must not lean on: "acme-2024" is weak for Acme's owner. Split into words, since zxcvbn matches
 * each input as a whole, and each also without its diacritics: "Różana" is typed "Rozana" too.
 */
function wordsOf(userInputs: readonly (string | undefined)[]): string[] {
  const words = userInputs.flatMap((input) => {
    const value = input?.trim().toLowerCase() ?? "";
    return value ? [value, ...value.split(/[^\p{L}\p{N}]+/u)] : [];
  });
  const plain = words.map((word) => word.replace(/ł/g, "l").normalize("NFKD").replace(/\p{M}/gu, ""));
  return [...new Set([...words, ...plain].filter((word) => word.length >= 3))];
}

/**
 * Why a password is too easy to guess, as message keys under `errors.` (the estimator's warning
 * and suggestions, each a key of ours in both languages); empty when it is strong enough.
 */
export function passwordWeaknesses(password: string, userInputs: readonly (string | undefined)[] = []): string[] {
  const { score, feedback } = zxcvbn().check(password, wordsOf(userInputs));
  if (score >= MIN_PASSWORD_SCORE) return [];
  return [
    "passwordWeak",
    ...(feedback.warning ? [`passwordWarning.${feedback.warning}`] : []),
    ...feedback.suggestions.map((suggestion) => `passwordSuggestion.${suggestion}`),
  ];
}

/** Everything wrong with a new password, as message keys under `errors.`; empty when it will do. */
export function newPasswordProblems(password: string, userInputs: readonly (string | undefined)[]): string[] {
  const length = newPassword.safeParse(password);
  if (!length.success) return length.error.issues.map((issue) => issue.message);
  return passwordWeaknesses(password, userInputs);
}

/**
 * The strength check of a form's new password, given the form's other fields as the words it must
 * not lean on: `schema.superRefine(strongPassword("password", (form) => [form.email, form.name]))`.
 * A password already refused for its length is not judged again.
 */
export function strongPassword<T extends Record<string, unknown>>(
  field: keyof T & string,
  userInputs: (form: T) => (string | undefined)[],
) {
  return (form: T, ctx: z.RefinementCtx) => {
    const password = form[field];
    if (typeof password !== "string" || password.length < MIN_PASSWORD_LENGTH) return;
    for (const key of passwordWeaknesses(password, userInputs(form))) {
      ctx.addIssue({ code: "custom", path: [field], message: key });
    }
  };
}
