import { and, asc, eq, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { findDivision } from "@/db/queries/divisions";
import { findDivisionMailbox } from "@/db/queries/mailboxes";
import { areMembers } from "@/db/queries/members";
import {
  type Division,
  divisionHolidays,
  divisions,
  divisionUnprocessedRecipients,
  emailTemplates,
  knowledgeBases,
  mailboxes,
} from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { found, NotFoundError, RuleError } from "@/lib/errors";
import { isLocale, type Locale, locales } from "@/lib/i18n/routing";
import type { TenantScope } from "@/db/tenant";
import { defaultTemplates, type TemplateKind } from "@/lib/templates/defaults";
import { refreshHighlights } from "./highlight";
import { holidaysOf, restampServiceTargets, serviceLevelSettings } from "./service-targets";
import type { DivisionSettings, DivisionSettingsPatch, DivisionWithSettings } from "./settings";

export async function listDivisions(tx: Executor, scope: TenantScope): Promise<Division[]> {
  return tx
    .select()
    .from(divisions)
    .where(eq(divisions.tenantId, scope.tenantId))
    .orderBy(asc(divisions.createdAt), asc(divisions.name));
}

export async function getDivision(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
): Promise<DivisionWithSettings> {
  const division = found(await findDivision(tx, scope, { divisionId }), "division");
  return {
    ...division,
    unprocessedRecipientIds: await unprocessedRecipientIds(tx, scope, divisionId),
    holidays: await holidaysOf(tx, scope, divisionId),
  };
}

/** The staff a division tells about emails it could not process. */
export async function unprocessedRecipientIds(tx: Executor, scope: TenantScope, divisionId: string): Promise<string[]> {
  const recipients = await tx
    .select({ userId: divisionUnprocessedRecipients.userId })
    .from(divisionUnprocessedRecipients)
    .where(
      and(
        eq(divisionUnprocessedRecipients.tenantId, scope.tenantId),
        eq(divisionUnprocessedRecipients.divisionId, divisionId),
      ),
    );
  return recipients.map((r) => r.userId);
}

/** Creates a division with its default templates; the tag and name must be free in the tenant. */
export async function createDivision(
  tx: Executor,
  scope: TenantScope,
  input: { name: string; tag: string; language?: Locale },
): Promise<Division> {
  await assertFree(tx, scope, { name: input.name, tag: input.tag });
  const language = input.language && isLocale(input.language) ? input.language : "en";
  const [division] = await tx
    .insert(divisions)
    .values({
      tenantId: scope.tenantId,
      name: input.name,
      tag: input.tag,
      language,
      // A test database never sends mail by itself: tests that send turn sending on explicitly.
      sendingEnabled: process.env.NODE_ENV !== "test",
    })
    .returning();
  if (!division) throw new Error("Division insert returned nothing");

  const templates = await tx
    .insert(emailTemplates)
    .values(
      locales.flatMap((locale) =>
        (Object.entries(defaultTemplates[locale]) as [TemplateKind, { name: string; subject: string; body: string }][]).map(
          ([kind, text]) => ({ tenantId: scope.tenantId, divisionId: division.id, kind, locale, ...text }),
        ),
      ),
    )
    .returning();
  const unprocessed = templates.find((t) => t.kind === "notify_unprocessed" && t.locale === language);
  const [withTemplate] = await tx
    .update(divisions)
    .set({ unprocessedTemplateId: unprocessed?.id ?? null })
    .where(eq(divisions.id, division.id))
    .returning();
  await recordAudit(tx, scope, "division.created", { type: "division", id: division.id }, {
    name: input.name,
    tag: input.tag,
  });
  return withTemplate ?? division;
}

/** Applies settings (all of them from the form, any subset from the CLI). */
export async function updateDivisionSettings(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  patch: DivisionSettingsPatch | DivisionSettings,
): Promise<DivisionWithSettings> {
  const current = await getDivision(tx, scope, divisionId);
  const { unprocessedRecipientIds, holidays, ...columns } = patch;
  await assertFree(tx, scope, { name: columns.name, tag: columns.tag }, divisionId);
  await assertReferences(tx, scope, divisionId, patch);

  if (Object.keys(columns).length > 0) {
    await tx
      .update(divisions)
      .set({ ...columns, updatedAt: new Date() })
      .where(and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, divisionId)));
  }
  if (unprocessedRecipientIds) {
    await tx
      .delete(divisionUnprocessedRecipients)
      .where(
        and(
          eq(divisionUnprocessedRecipients.tenantId, scope.tenantId),
          eq(divisionUnprocessedRecipients.divisionId, divisionId),
        ),
      );
    if (unprocessedRecipientIds.length > 0) {
      await tx.insert(divisionUnprocessedRecipients).values(
        [...new Set(unprocessedRecipientIds)].map((userId) => ({
          tenantId: scope.tenantId,
          divisionId,
          userId,
        })),
      );
    }
  }
  if (holidays) {
    await tx
      .delete(divisionHolidays)
      .where(and(eq(divisionHolidays.tenantId, scope.tenantId), eq(divisionHolidays.divisionId, divisionId)));
    if (holidays.length > 0) {
      await tx
        .insert(divisionHolidays)
        .values([...new Set(holidays)].map((day) => ({ tenantId: scope.tenantId, divisionId, day })));
    }
  }
  if (columns.highlightDomains && JSON.stringify(columns.highlightDomains) !== JSON.stringify(current.highlightDomains)) {
    await refreshHighlights(tx, scope, { divisionId });
  }
  const changed = Object.keys(patch).filter((key) => {
    const before = key === "unprocessedRecipientIds" || key === "holidays" ? current[key] : current[key as keyof Division];
    return JSON.stringify(before) !== JSON.stringify(patch[key as keyof typeof patch]);
  });
  if (serviceLevelSettings.some((name) => changed.includes(name))) {
    await restampServiceTargets(tx, scope, divisionId);
  }
  if (changed.length > 0) {
    await recordAudit(tx, scope, "division.settings_changed", { type: "division", id: divisionId }, {
      changed,
    });
  }
  return getDivision(tx, scope, divisionId);
}

async function assertFree(
  tx: Executor,
  scope: TenantScope,
  wanted: { name?: string; tag?: string },
  exceptId?: string,
): Promise<void> {
  const others = (await listDivisions(tx, scope)).filter((d) => d.id !== exceptId);
  const fieldErrors: Record<string, string[]> = {};
  if (wanted.name && others.some((d) => d.name.toLowerCase() === wanted.name!.toLowerCase())) {
    fieldErrors.name = ["divisionNameTaken"];
  }
  if (wanted.tag && others.some((d) => d.tag === wanted.tag)) fieldErrors.tag = ["tagTaken"];
  if (Object.keys(fieldErrors).length > 0) throw new RuleError("invalidInput", fieldErrors);
}

/** Ids in the settings must point at this tenant's own rows. */
async function assertReferences(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  patch: DivisionSettingsPatch,
): Promise<void> {
  const fieldErrors: Record<string, string[]> = {};
  for (const field of ["defaultKnowledgeBaseId", "defaultSupportKnowledgeBaseId"] as const) {
    const knowledgeBaseId = patch[field];
    if (!knowledgeBaseId) continue;
    const [kb] = await tx
      .select({ id: knowledgeBases.id })
      .from(knowledgeBases)
      .where(and(eq(knowledgeBases.tenantId, scope.tenantId), eq(knowledgeBases.id, knowledgeBaseId)));
    if (!kb) fieldErrors[field] = ["invalidChoice"];
  }
  if (patch.unprocessedTemplateId) {
    const [template] = await tx
      .select({ id: emailTemplates.id })
      .from(emailTemplates)
      .where(
        and(
          eq(emailTemplates.tenantId, scope.tenantId),
          eq(emailTemplates.divisionId, divisionId),
          eq(emailTemplates.kind, "notify_unprocessed"),
          eq(emailTemplates.id, patch.unprocessedTemplateId),
        ),
      );
    if (!template) fieldErrors.unprocessedTemplateId = ["invalidChoice"];
  }
  if (patch.massMailFromMailboxId) {
    const mailbox = await findDivisionMailbox(tx, scope, { divisionId, mailboxId: patch.massMailFromMailboxId });
    if (!mailbox) fieldErrors.massMailFromMailboxId = ["invalidChoice"];
  }
  if (patch.unprocessedRecipientIds && !(await areMembers(tx, scope, { userIds: patch.unprocessedRecipientIds }))) {
    fieldErrors.unprocessedRecipientIds = ["invalidChoice"];
  }
  if (Object.keys(fieldErrors).length > 0) throw new RuleError("invalidInput", fieldErrors);
}

/** What the settings form offers in its selects. */
export async function divisionSettingsChoices(tx: Executor, scope: TenantScope, divisionId: string) {
  const [kbs, templates, divisionMailboxes] = await Promise.all([
    tx
      .select({ id: knowledgeBases.id, name: knowledgeBases.name })
      .from(knowledgeBases)
      .where(eq(knowledgeBases.tenantId, scope.tenantId))
      .orderBy(asc(knowledgeBases.name)),
    tx
      .select({ id: emailTemplates.id, name: emailTemplates.name, locale: emailTemplates.locale })
      .from(emailTemplates)
      .where(
        and(
          eq(emailTemplates.tenantId, scope.tenantId),
          eq(emailTemplates.divisionId, divisionId),
          eq(emailTemplates.kind, "notify_unprocessed"),
        ),
      )
      .orderBy(asc(emailTemplates.locale), asc(emailTemplates.name)),
    tx
      .select({ id: mailboxes.id, name: mailboxes.name, address: mailboxes.address })
      .from(mailboxes)
      .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.divisionId, divisionId), isNull(mailboxes.removedAt)))
      .orderBy(asc(mailboxes.name), asc(mailboxes.address)),
  ]);
  return { knowledgeBases: kbs, unprocessedTemplates: templates, mailboxes: divisionMailboxes };
}

/**
 * Puts a domain on the division's spam list, once: its mail is blocked from now on. Locks the
 * division's row, so two members blocking the same domain at once still add it once.
 */
export async function addSpamDomain(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; domain: string },
): Promise<{ added: boolean }> {
  const domain = input.domain.trim().toLowerCase();
  const [division] = await tx
    .select({ spamDomains: divisions.spamDomains })
    .from(divisions)
    .where(and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, input.divisionId)))
    .for("update");
  if (!division) throw new NotFoundError("division");
  if (division.spamDomains.some((listed) => listed.toLowerCase() === domain)) return { added: false };
  await tx
    .update(divisions)
    .set({ spamDomains: [...division.spamDomains, domain], updatedAt: new Date() })
    .where(and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, input.divisionId)));
  await recordAudit(tx, scope, "division.settings_changed", { type: "division", id: input.divisionId }, {
    changed: ["spamDomains"],
    added: domain,
  });
  return { added: true };
}
