/**
 * Errors the business rules raise and the edges (server actions, pages, CLI) translate: a message key
 * under `errors.` in messages/*.json, never a sentence, so each edge shows it in the user's language.
 */

export type FieldErrors = Record<string, string[]>;

/** The thing does not exist in this tenant: indistinguishable from "belongs to another tenant". */
export class NotFoundError extends Error {
  constructor(readonly what: string) {
    super(`${what} not found`);
    this.name = "NotFoundError";
  }
}

/**
 * Input that is well-formed but breaks a rule (a taken tag, the last owner, …). `values` fill the
 * message's placeholders, for a rule that names something the user cannot see otherwise (who
 * connected a mailbox).
 */
export class RuleError extends Error {
  constructor(
    readonly key: string,
    readonly fieldErrors: FieldErrors = {},
    readonly values: Record<string, string | number> = {},
  ) {
    super(key);
    this.name = "RuleError";
  }
}

/** The signed-in user's role does not allow this. */
export class ForbiddenError extends Error {
  constructor(readonly key = "forbidden") {
    super(key);
    this.name = "ForbiddenError";
  }
}

/** The row a lookup found, or NotFoundError naming what was looked for. */
export function found<T>(row: T | null | undefined, what: string): T {
  if (row === null || row === undefined) throw new NotFoundError(what);
  return row;
}
