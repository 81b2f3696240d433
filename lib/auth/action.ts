import { z } from "zod";
import { getDb } from "@/db";
import type { Transaction } from "@/db/client";
import { withScope } from "@/db/tenant";
import type { Role } from "@/db/schema";
import { type FieldErrors, ForbiddenError, NotFoundError, RuleError } from "@/lib/errors";
import { formDataToObject, zodFieldErrors } from "@/lib/forms";
import { configuredProviderIds } from "@/lib/oauth/providers";
import { scopeOf, type TenantContext, tenantAccess } from "./context";
import { isReadOnly } from "./roles";
import { currentSession } from "./session";

/** What every form action returns, for `useActionState`: message keys under `errors.`. */
export interface ActionState<R = unknown> {
  ok?: boolean;
  result?: R;
  error?: string;
  /** The placeholders of `error`'s message. */
  errorValues?: Record<string, string | number>;
  fieldErrors?: FieldErrors;
}

/**
 * The one builder of tenant-scoped server actions. It resolves the session and the membership in
 * the tenant of the URL (never a tenant id from the form), checks the company's required sign-in
 * and the role, validates the input with zod, and runs the handler in a transaction bound to the
 * tenant and the member (what they may see). Rule, not-found and permission errors become localized
 * form errors; anything else is logged and shown as a generic error. `readOnly`: the action changes
 * none of the company's data (a search, a read mark, one's own preferences), so a light agent may
 * call it; every other action refuses them.
 */
export function tenantAction<S extends z.ZodType, R>(
  options: { schema: S; roles?: readonly Role[]; readOnly?: true },
  handler: (tx: Transaction, ctx: TenantContext, input: z.output<S>) => Promise<R>,
) {
  return async (
    tenantSlug: string,
    _previous: ActionState<R> | undefined,
    input: FormData | Record<string, unknown>,
  ): Promise<ActionState<R>> => {
    try {
      const session = await currentSession();
      if (!session) return { error: "signedOut" };
      const db = await getDb();
      const access = await tenantAccess(db, session, tenantSlug, configuredProviderIds(process.env));
      if (access.type === "notFound") return { error: "notFound" };
      if (access.type === "signInRequired") return { error: "signInRequired" };
      if (access.type === "twoFactorRequired") return { error: "twoFactorRequired" };
      const { ctx } = access;
      if (options.roles && !options.roles.includes(ctx.role)) return { error: "forbidden" };
      if (isReadOnly(ctx.role) && !options.readOnly) return { error: "readOnlyRole" };
      const parsed = options.schema.safeParse(
        input instanceof FormData ? formDataToObject(input) : input,
      );
      if (!parsed.success) return { error: "invalidInput", fieldErrors: zodFieldErrors(parsed.error) };
      const result = await withScope(db, scopeOf(ctx), (tx) => handler(tx, ctx, parsed.data));
      return { ok: true, result };
    } catch (error) {
      return actionError(error);
    }
  };
}

export function actionError(error: unknown): ActionState<never> {
  if (error instanceof NotFoundError) return { error: "notFound" };
  if (error instanceof ForbiddenError) return { error: error.key };
  if (error instanceof RuleError) {
    return { error: error.key, fieldErrors: error.fieldErrors, ...(Object.keys(error.values).length > 0 ? { errorValues: error.values } : {}) };
  }
  console.error("Unexpected error in a server action", error);
  return { error: "unexpected" };
}
