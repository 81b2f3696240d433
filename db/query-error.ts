/**
 * What to keep of a failure for a person to read: a code and a cause, never the statement. A
 * failed query reaches us as drizzle's "Failed query: <SQL> params: <values>", whose values are the
 * mail being processed; the driver's error it wraps (`cause`) carries the SQLSTATE and the server's
 * own message, which is what is kept.
 */
export function describeFailure(error: unknown): string {
  for (let seen: unknown = error, depth = 0; seen instanceof Error && depth < 5; seen = seen.cause, depth++) {
    const code = (seen as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return `database error ${code}: ${seen.message}`;
  }
  if (!(error instanceof Error)) return String(error);
  if (error.message.startsWith("Failed query:")) return "database error: a statement failed";
  return `${error.name}: ${error.message}`;
}

/** The unique key a write broke, under drizzle's wrapper: postgres.js names it constraint_name, PGlite constraint. */
export function violatedConstraint(error: unknown): string | null {
  let current: unknown = error;
  while (current instanceof Error) {
    const { code, constraint_name, constraint } = current as { code?: string; constraint_name?: string; constraint?: string };
    if (code === "23505") return constraint_name ?? constraint ?? null;
    current = current.cause;
  }
  return null;
}
