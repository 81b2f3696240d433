import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, emailTemplates } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { getDivision, updateDivisionSettings } from "../../lib/divisions/divisions";
import { ForbiddenError, NotFoundError, RuleError } from "../../lib/errors";
import { defaultTemplates } from "../../lib/templates/defaults";
import { renderTemplate } from "../../lib/templates/render";
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  previewTemplate,
  templateFor,
  templateKinds,
  updateTemplate,
} from "../../lib/templates/templates";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

async function company(name: string) {
  const made = await makeTenant(db, name);
  const scope: TenantScope = { tenantId: made.tenant.id, userId: made.user.id, role: "owner" };
  const inTenant = <T>(work: Parameters<typeof withTenant<T>>[2]) => withTenant(db, made.tenant.id, work);
  return { ...made, scope, inTenant };
}

const text = { name: "Our confirmation", subject: "[{{tag}}#{{ticketNumber}}] Got it", body: "Hi {{customerName}}" };

async function auditActions(tenantId: string, action: string) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.action, action)));
}

describe("a division's templates", () => {
  it("start as the built-in text of every kind in every language, listed by kind", async () => {
    const { divisionId, scope, inTenant } = await company("Seeded");
    const templates = await inTenant((tx) => listTemplates(tx, scope, divisionId));
    expect(templates).toHaveLength(templateKinds.length * 2);
    expect([...new Set(templates.map((t) => t.kind))]).toEqual([...templateKinds]);
    const polish = templates.find((t) => t.kind === "confirmation" && t.locale === "pl");
    expect(polish).toMatchObject(defaultTemplates.pl.confirmation);
  });

  it("are created, read, changed and deleted, each change in the audit log", async () => {
    const { tenant, divisionId, scope, inTenant } = await company("Crud");
    const created = await inTenant((tx) =>
      createTemplate(tx, scope, divisionId, { kind: "confirmation", locale: "en", ...text }),
    );
    expect(created).toMatchObject({ tenantId: tenant.id, divisionId, kind: "confirmation", locale: "en", ...text });
    expect(await inTenant((tx) => getTemplate(tx, scope, created.id))).toEqual(created);

    const updated = await inTenant((tx) =>
      updateTemplate(tx, scope, created.id, { name: "Renamed", subject: "  {{subject}}  ", body: text.body }),
    );
    expect(updated).toMatchObject({ name: "Renamed", subject: "{{subject}}", body: text.body, kind: "confirmation" });

    await inTenant((tx) => deleteTemplate(tx, scope, created.id));
    await expect(inTenant((tx) => getTemplate(tx, scope, created.id))).rejects.toBeInstanceOf(NotFoundError);

    expect(await auditActions(tenant.id, "template.created")).toHaveLength(1);
    const [update] = await auditActions(tenant.id, "template.updated");
    expect(update!.details).toEqual({ changed: ["name", "subject"] });
    const [deletion] = await auditActions(tenant.id, "template.deleted");
    expect(deletion).toMatchObject({ targetId: created.id, actorUserId: scope.userId });
  });

  it("refuses a subject or body with a placeholder no mail fills in, and keeps the stored text", async () => {
    const { divisionId, scope, inTenant } = await company("Typos");
    const [template] = await inTenant((tx) => listTemplates(tx, scope, divisionId));
    const attempt = inTenant((tx) =>
      updateTemplate(tx, scope, template!.id, { ...text, subject: "{{ticketNumbr}}", body: "{{foo}} {{tag}}" }),
    );
    await expect(attempt).rejects.toBeInstanceOf(RuleError);
    await expect(attempt).rejects.toMatchObject({
      key: "invalidInput",
      fieldErrors: { subject: ["unknownPlaceholder"], body: ["unknownPlaceholder"] },
    });
    expect(await inTenant((tx) => getTemplate(tx, scope, template!.id))).toEqual(template);
  });

  it("refuses a confirmation with {{link}} when created, naming the field: customers have no ticket page", async () => {
    const { divisionId, scope, inTenant } = await company("Link Create");
    const attempt = inTenant((tx) =>
      createTemplate(tx, scope, divisionId, { kind: "confirmation", locale: "en", ...text, body: "Follow it here: {{link}}" }),
    );
    await expect(attempt).rejects.toMatchObject({ key: "invalidInput", fieldErrors: { body: ["placeholderNotInKind"] } });
    const confirmations = (await inTenant((tx) => listTemplates(tx, scope, divisionId))).filter((t) => t.kind === "confirmation");
    expect(confirmations).toHaveLength(2);
  });

  it("refuses {{link}} when a confirmation is changed, judged by the stored template's kind", async () => {
    const { divisionId, scope, inTenant } = await company("Link Update");
    const confirmation = (await inTenant((tx) => listTemplates(tx, scope, divisionId))).find((t) => t.kind === "confirmation")!;
    const attempt = inTenant((tx) => updateTemplate(tx, scope, confirmation.id, { ...text, subject: "{{link}} {{subject}}" }));
    await expect(attempt).rejects.toMatchObject({ key: "invalidInput", fieldErrors: { subject: ["placeholderNotInKind"] } });
    expect(await inTenant((tx) => getTemplate(tx, scope, confirmation.id))).toEqual(confirmation);
  });

  it("accepts {{link}} in notices to staff, created or changed", async () => {
    const { divisionId, scope, inTenant } = await company("Link Staff");
    const body = "Open it: {{link}}";
    const created = await inTenant((tx) =>
      createTemplate(tx, scope, divisionId, { kind: "notify_new_ticket", locale: "en", ...text, body }),
    );
    expect(created).toMatchObject({ kind: "notify_new_ticket", body });
    const assignment = (await inTenant((tx) => listTemplates(tx, scope, divisionId))).find((t) => t.kind === "notify_assignment")!;
    await expect(inTenant((tx) => updateTemplate(tx, scope, assignment.id, { ...text, body }))).resolves.toMatchObject({ body });
  });

  it("still sends a stored confirmation with {{link}}, the link as nothing, and refuses it only when saved again", async () => {
    const { tenant, divisionId, scope, inTenant } = await company("Link Stored");
    // Saved before confirmations were refused a link: written straight to the table.
    const [stored] = await db
      .insert(emailTemplates)
      .values({ tenantId: tenant.id, divisionId, kind: "confirmation", locale: "en", name: "Old", subject: "Hi", body: "See {{link}}." })
      .returning();
    const sent = await inTenant((tx) => templateFor(tx, scope, { divisionId, kind: "confirmation", locale: "en", templateId: stored!.id }));
    expect(renderTemplate(sent.body, { tag: "X" })).toBe("See .");
    await expect(
      inTenant((tx) => updateTemplate(tx, scope, stored!.id, { name: "Renamed", subject: stored!.subject, body: stored!.body })),
    ).rejects.toMatchObject({ fieldErrors: { body: ["placeholderNotInKind"] } });
  });

  it("refuses a template in a language the app does not serve, or longer than allowed", async () => {
    const { divisionId, scope, inTenant } = await company("Limits");
    await expect(
      inTenant((tx) =>
        createTemplate(tx, scope, divisionId, { kind: "confirmation", locale: "de" as "en", ...text, body: "x".repeat(20_001) }),
      ),
    ).rejects.toMatchObject({ fieldErrors: { locale: ["invalidChoice"], body: ["tooLong"] } });
  });

  it("may be changed by owners and admins only", async () => {
    const { divisionId, scope, inTenant } = await company("Roles");
    const [template] = await inTenant((tx) => listTemplates(tx, scope, divisionId));
    const agent: TenantScope = { ...scope, role: "agent" };
    await expect(
      inTenant((tx) => createTemplate(tx, agent, divisionId, { kind: "mass_mail", locale: "en", ...text })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(inTenant((tx) => updateTemplate(tx, agent, template!.id, text))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(inTenant((tx) => deleteTemplate(tx, agent, template!.id))).rejects.toBeInstanceOf(ForbiddenError);
    const admin: TenantScope = { ...scope, role: "admin" };
    await expect(inTenant((tx) => updateTemplate(tx, admin, template!.id, text))).resolves.toMatchObject(text);
  });

  it("cannot delete the template the division chose for unprocessed-email notices until another is chosen", async () => {
    const { divisionId, scope, inTenant } = await company("Chosen");
    const division = await inTenant((tx) => getDivision(tx, scope, divisionId));
    const chosenId = division.unprocessedTemplateId!;
    const attempt = inTenant((tx) => deleteTemplate(tx, scope, chosenId));
    await expect(attempt).rejects.toBeInstanceOf(RuleError);
    await expect(attempt).rejects.toMatchObject({ key: "templateInUse" });
    expect(await inTenant((tx) => getTemplate(tx, scope, chosenId))).toMatchObject({ id: chosenId });

    const other = await inTenant(async (tx) =>
      (await listTemplates(tx, scope, divisionId)).find((t) => t.kind === "notify_unprocessed" && t.id !== chosenId),
    );
    await inTenant((tx) => updateDivisionSettings(tx, scope, divisionId, { unprocessedTemplateId: other!.id }));
    await inTenant((tx) => deleteTemplate(tx, scope, chosenId));
    await expect(inTenant((tx) => getTemplate(tx, scope, chosenId))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("preview with the division's tag and sample values in the template's language", async () => {
    const { divisionId, scope, inTenant } = await company("Preview");
    const { division, template } = await inTenant(async (tx) => ({
      division: await getDivision(tx, scope, divisionId),
      template: (await listTemplates(tx, scope, divisionId)).find((t) => t.kind === "notify_new_ticket" && t.locale === "pl")!,
    }));
    const preview = previewTemplate(template, "pl", division);
    expect(preview.subject).toBe(`Nowe zgłoszenie [${division.tag}#1042] Drukarka w pokoju 12 nie drukuje`);
    expect(preview.body).toBe(
      "Nowe zgłoszenie od Jan Kowalski czeka na Twój zespół.\n\nhttps://help.example.com/tickets/1042",
    );
  });
});

describe("templateFor, the text a mail is sent with", () => {
  async function setUp(name: string) {
    const made = await company(name);
    const templates = await made.inTenant((tx) => listTemplates(tx, made.scope, made.divisionId));
    const of = (kind: string, locale: string) => templates.find((t) => t.kind === kind && t.locale === locale)!;
    const textFor = (input: { kind: (typeof templateKinds)[number]; locale: string; templateId?: string | null }) =>
      made.inTenant((tx) => templateFor(tx, made.scope, { divisionId: made.divisionId, ...input }));
    return { ...made, of, textFor };
  }

  it("takes the chosen template when it is of the division and kind", async () => {
    const { of, textFor } = await setUp("Chosen Text");
    const chosen = of("notify_unprocessed", "pl");
    expect(await textFor({ kind: "notify_unprocessed", locale: "en", templateId: chosen.id })).toEqual({
      subject: chosen.subject,
      body: chosen.body,
    });
  });

  it("ignores a chosen template of another kind and takes the kind's template in the language", async () => {
    const { of, textFor } = await setUp("Wrong Kind");
    const confirmation = of("confirmation", "pl");
    const unprocessedEn = of("notify_unprocessed", "en");
    expect(await textFor({ kind: "notify_unprocessed", locale: "en", templateId: confirmation.id })).toEqual({
      subject: unprocessedEn.subject,
      body: unprocessedEn.body,
    });
  });

  it("takes the first template in the language when several exist", async () => {
    const { divisionId, scope, inTenant, of, textFor } = await setUp("Several");
    await inTenant((tx) => createTemplate(tx, scope, divisionId, { kind: "confirmation", locale: "pl", ...text }));
    const original = of("confirmation", "pl");
    expect(await textFor({ kind: "confirmation", locale: "pl" })).toEqual({ subject: original.subject, body: original.body });
  });

  it("falls back to a template in another language when none is in the one asked for", async () => {
    const { scope, inTenant, of, textFor } = await setUp("Other Language");
    const english = of("notify_assignment", "en");
    await inTenant((tx) => deleteTemplate(tx, scope, of("notify_assignment", "pl").id));
    expect(await textFor({ kind: "notify_assignment", locale: "pl" })).toEqual({
      subject: english.subject,
      body: english.body,
    });
  });

  it("falls back to the built-in text when the division has no template of the kind", async () => {
    const { tenant, divisionId, textFor } = await setUp("Built In");
    await db
      .delete(emailTemplates)
      .where(and(eq(emailTemplates.tenantId, tenant.id), eq(emailTemplates.divisionId, divisionId), eq(emailTemplates.kind, "mass_mail")));
    expect(await textFor({ kind: "mass_mail", locale: "pl" })).toEqual({
      subject: defaultTemplates.pl.mass_mail.subject,
      body: defaultTemplates.pl.mass_mail.body,
    });
    // A language the app no longer serves reads as English.
    expect(await textFor({ kind: "mass_mail", locale: "de" })).toEqual({
      subject: defaultTemplates.en.mass_mail.subject,
      body: defaultTemplates.en.mass_mail.body,
    });
  });
});
