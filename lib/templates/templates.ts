import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { findDivision } from "@/db/queries/divisions";
import { divisions, type EmailTemplate, emailTemplates, templateKindEnum } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { canManageMailSettings } from "@/lib/auth/roles";
import { ForbiddenError, found, NotFoundError, RuleError } from "@/lib/errors";
import { zodFieldErrors } from "@/lib/forms";
import { isLocale, locales } from "@/lib/i18n/routing";
import type { TenantScope } from "@/db/tenant";
import { defaultTemplates, type TemplateKind } from "./defaults";
import { isPlaceholderName, unknownPlaceholders } from "./render";

export { previewTemplate } from "./preview";

export interface TemplateText {
  subject: string;
  body: string;
}

/**
 * The division's template of a kind in a language: a chosen one by id when given (and of this
 * division and kind), else the division's first in that language, else in any language, else the
 * built-in default. A mail always has a text, even after an admin deleted templates.
 */
export async function templateFor(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; kind: TemplateKind; locale: string; templateId?: string | null },
): Promise<TemplateText> {
  const inLanguage = await templateChooser(tx, scope, input);
  return inLanguage(input.locale);
}

/**
 * templateFor for mails to several readers: the division's templates are read once, and the
 * returned function picks the text for each reader's language.
 */
export async function templateChooser(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; kind: TemplateKind; templateId?: string | null },
): Promise<(locale: string) => TemplateText> {
  const rows = await tx
    .select({ id: emailTemplates.id, locale: emailTemplates.locale, subject: emailTemplates.subject, body: emailTemplates.body })
    .from(emailTemplates)
    .where(
      and(
        eq(emailTemplates.tenantId, scope.tenantId),
        eq(emailTemplates.divisionId, input.divisionId),
        eq(emailTemplates.kind, input.kind),
      ),
    )
    .orderBy(asc(emailTemplates.createdAt), asc(emailTemplates.id));
  return (locale) => {
    const chosen =
      rows.find((row) => input.templateId && row.id === input.templateId) ??
      rows.find((row) => row.locale === locale) ??
      rows[0];
    if (chosen) return { subject: chosen.subject, body: chosen.body };
    const fallback = defaultTemplates[isLocale(locale) ? locale : "en"][input.kind];
    return { subject: fallback.subject, body: fallback.body };
  };
}

export const templateKinds = templateKindEnum.enumValues;

/** What the template editor changes, before its placeholders are checked against the template's kind. */
export const templateTextFields = z.object({
  name: z.string().trim().min(1, "required").max(100, "tooLong"),
  subject: z.string().trim().min(1, "required").max(200, "tooLong"),
  body: z.string().trim().min(1, "required").max(20_000, "tooLong"),
});
export type TemplateTextInput = z.output<typeof templateTextFields>;

/**
 * A `{{name}}` in the subject or body that mail of the kind does not fill in is refused rather than
 * sent as nothing: a typo, or a placeholder of another kind (`{{link}}` in a confirmation).
 */
function checkPlaceholders(kind: TemplateKind, text: { subject: string; body: string }, ctx: z.RefinementCtx): void {
  for (const field of ["subject", "body"] as const) {
    const unfilled = unknownPlaceholders(text[field], kind);
    if (unfilled.length === 0) continue;
    const message = unfilled.every(isPlaceholderName) ? "placeholderNotInKind" : "unknownPlaceholder";
    ctx.addIssue({ code: "custom", path: [field], message });
  }
}

/** What the template editor changes in a template of a kind. Messages are keys under `errors.`. */
export function templateTextSchema(kind: TemplateKind) {
  return templateTextFields.superRefine((text, ctx) => checkPlaceholders(kind, text, ctx));
}

/** A new template: which mail it is for and in which language, then its text. */
export const newTemplateSchema = templateTextFields
  .extend({
    kind: z.enum(templateKinds, "invalidChoice"),
    locale: z.enum(locales, "invalidChoice"),
  })
  .superRefine((input, ctx) => checkPlaceholders(input.kind, input, ctx));
export type NewTemplateInput = z.output<typeof newTemplateSchema>;

/** A division's templates, grouped by kind (in the order of the enum), then language and name. */
export async function listTemplates(tx: Executor, scope: TenantScope, divisionId: string): Promise<EmailTemplate[]> {
  return tx
    .select()
    .from(emailTemplates)
    .where(and(eq(emailTemplates.tenantId, scope.tenantId), eq(emailTemplates.divisionId, divisionId)))
    .orderBy(asc(emailTemplates.kind), asc(emailTemplates.locale), asc(emailTemplates.name), asc(emailTemplates.createdAt));
}

export async function getTemplate(tx: Executor, scope: TenantScope, templateId: string): Promise<EmailTemplate> {
  const [template] = await tx
    .select()
    .from(emailTemplates)
    .where(and(eq(emailTemplates.tenantId, scope.tenantId), eq(emailTemplates.id, templateId)));
  if (!template) throw new NotFoundError("template");
  return template;
}

export async function createTemplate(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  input: NewTemplateInput,
): Promise<EmailTemplate> {
  assertMayEdit(scope);
  const values = validated(newTemplateSchema, input);
  const division = found(await findDivision(tx, scope, { divisionId }), "division");
  const [template] = await tx
    .insert(emailTemplates)
    .values({ tenantId: scope.tenantId, divisionId: division.id, ...values })
    .returning();
  if (!template) throw new Error("Template insert returned nothing");
  await recordAudit(tx, scope, "template.created", { type: "email_template", id: template.id }, {
    divisionId: division.id,
    kind: template.kind,
    locale: template.locale,
  });
  return template;
}

/**
 * Changes a template's name and text; its kind and language stay what it was created for. A stored
 * text with a placeholder its kind does not fill in (saved before such were refused) is still sent,
 * the placeholder as nothing; it is refused only here, when saved again.
 */
export async function updateTemplate(
  tx: Executor,
  scope: TenantScope,
  templateId: string,
  input: TemplateTextInput,
): Promise<EmailTemplate> {
  assertMayEdit(scope);
  const current = await getTemplate(tx, scope, templateId);
  const values = validated(templateTextSchema(current.kind), input);
  const [updated] = await tx
    .update(emailTemplates)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(emailTemplates.tenantId, scope.tenantId), eq(emailTemplates.id, templateId)))
    .returning();
  if (!updated) throw new NotFoundError("template");
  const changed = (["name", "subject", "body"] as const).filter((field) => current[field] !== updated[field]);
  if (changed.length > 0) {
    await recordAudit(tx, scope, "template.updated", { type: "email_template", id: templateId }, { changed });
  }
  return updated;
}

/**
 * Deletes a template, unless its division chose it for notices about unprocessed email: that choice
 * is a setting the admin made on purpose, so it is changed there first rather than silently undone
 * here. Any other template may go; mail of its kind then takes another template or the built-in text
 * (see templateFor).
 */
export async function deleteTemplate(tx: Executor, scope: TenantScope, templateId: string): Promise<void> {
  assertMayEdit(scope);
  const template = await getTemplate(tx, scope, templateId);
  if (await isChosenUnprocessedTemplate(tx, scope, template)) throw new RuleError("templateInUse");
  await tx
    .delete(emailTemplates)
    .where(and(eq(emailTemplates.tenantId, scope.tenantId), eq(emailTemplates.id, templateId)));
  await recordAudit(tx, scope, "template.deleted", { type: "email_template", id: templateId }, {
    divisionId: template.divisionId,
    kind: template.kind,
    locale: template.locale,
    name: template.name,
  });
}

/** Whether the template's division sends its unprocessed-email notices with it. */
async function isChosenUnprocessedTemplate(
  tx: Executor,
  scope: TenantScope,
  template: Pick<EmailTemplate, "id" | "divisionId">,
): Promise<boolean> {
  const [division] = await tx
    .select({ id: divisions.id })
    .from(divisions)
    .where(
      and(
        eq(divisions.tenantId, scope.tenantId),
        eq(divisions.id, template.divisionId),
        eq(divisions.unprocessedTemplateId, template.id),
      ),
    );
  return Boolean(division);
}

/** Templates are mail settings: owners and administrators only (seed rule). */
function assertMayEdit(scope: TenantScope): void {
  if (!canManageMailSettings(scope.role)) throw new ForbiddenError();
}

/** Callers other than the web form (jobs, tests) get the same checks, as a rule error with field errors. */
function validated<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new RuleError("invalidInput", zodFieldErrors(parsed.error));
  return parsed.data;
}
