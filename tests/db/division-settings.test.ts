import { and, eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { Database } from "../../db/client";
import { auditLog, knowledgeBases, mailboxes, memberships, users } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import {
  createDivision,
  divisionSettingsChoices,
  getDivision,
  updateDivisionSettings,
} from "../../lib/divisions/divisions";
import {
  type DivisionSettings,
  type DivisionWithSettings,
  divisionSettingNames,
  divisionSettingsSchema,
} from "../../lib/divisions/settings";
import { RuleError } from "../../lib/errors";
import { formDataToObject, zodFieldErrors } from "../../lib/forms";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

/** The settings of a division as the form holds them, recipients in a stable order. */
function settingsOf(division: DivisionWithSettings | DivisionSettings) {
  const settings = Object.fromEntries(divisionSettingNames.map((name) => [name, division[name]]));
  return { ...settings, unprocessedRecipientIds: [...division.unprocessedRecipientIds].sort() };
}

const someUuid = "7f1d8c52-1f0a-4a8e-9d7e-2f7c1f0b6a11";
const nineToFive = { start: "09:00", end: "17:00" };
const weekdays = [nineToFive, nineToFive, nineToFive, nineToFive, nineToFive, null, null];

/** The settings form as the browser posts it: checkboxes "on" or absent, lists typed in textareas. */
function settingsForm(fields: Record<string, string | string[] | undefined> = {}) {
  const base: Record<string, string | string[] | undefined> = {
    name: "Support",
    tag: "acme",
    dispatcherActive: "on",
    sendingEnabled: "on",
    language: "pl",
    pollIntervalMinutes: "5",
    automationMode: "convert_known",
    sendConfirmations: "on",
    checkSenderOnSubjectMatch: undefined,
    autoCloseDays: "14",
    highlightDomains: "vip.example.com\r\nPartner.Example.org, bigcustomer.test",
    spamDomains: "spam.test\nbad.sender@evil.test",
    showAnswered: "on",
    showOnHold: undefined,
    defaultKnowledgeBaseId: "",
    defaultSupportKnowledgeBaseId: "",
    maxSuggestions: "7",
    maxMailSizeMegabytes: "25",
    unprocessedRecipientIds: [someUuid],
    unprocessedTemplateId: "",
    confirmationsPerSenderPerHour: "3",
    plusAddressing: undefined,
    markOutgoingPrivate: "on",
    massMailFromMailboxId: "",
    trashRetentionDays: "30",
    timeZone: "Europe/Warsaw",
    businessHours: JSON.stringify(weekdays),
    holidays: "2026-12-24\n2026-12-25",
    firstResponseTargetMinutes: "240",
    resolutionTargetMinutes: "",
    escalateBeforeMinutes: "60",
  };
  const form = new FormData();
  for (const [key, value] of Object.entries({ ...base, ...fields })) {
    for (const item of value === undefined ? [] : Array.isArray(value) ? value : [value]) form.append(key, item);
  }
  return formDataToObject(form);
}

/** Error keys per form field, as the form shows them: a bad list entry (`spamDomains.1`) at its list. */
function fieldErrorsFor(fields: Record<string, string | string[] | undefined>) {
  const result = divisionSettingsSchema.safeParse(settingsForm(fields));
  const byField: Record<string, string[]> = {};
  for (const [path, keys] of Object.entries(result.success ? {} : zodFieldErrors(result.error))) {
    const field = path.split(".")[0]!;
    byField[field] = [...new Set([...(byField[field] ?? []), ...keys])];
  }
  return byField;
}

describe("the division settings form", () => {
  it("accepts a full valid form and reads checkboxes, numbers and lists", () => {
    expect(divisionSettingsSchema.parse(settingsForm())).toEqual({
      name: "Support",
      tag: "ACME",
      dispatcherActive: true,
      sendingEnabled: true,
      language: "pl",
      pollIntervalMinutes: 5,
      automationMode: "convert_known",
      sendConfirmations: true,
      checkSenderOnSubjectMatch: false,
      autoCloseDays: 14,
      highlightDomains: ["vip.example.com", "partner.example.org", "bigcustomer.test"],
      spamDomains: ["spam.test", "bad.sender@evil.test"],
      showAnswered: true,
      showOnHold: false,
      defaultKnowledgeBaseId: null,
      defaultSupportKnowledgeBaseId: null,
      maxSuggestions: 7,
      maxMailSizeMegabytes: 25,
      unprocessedRecipientIds: [someUuid],
      unprocessedTemplateId: null,
      confirmationsPerSenderPerHour: 3,
      plusAddressing: false,
      markOutgoingPrivate: true,
      massMailFromMailboxId: null,
      trashRetentionDays: 30,
      timeZone: "Europe/Warsaw",
      businessHours: weekdays,
      holidays: ["2026-12-24", "2026-12-25"],
      firstResponseTargetMinutes: 240,
      resolutionTargetMinutes: null,
      escalateBeforeMinutes: 60,
    });
  });

  it("reads business hours left empty as around the clock", () => {
    expect(divisionSettingsSchema.parse(settingsForm({ businessHours: "" })).businessHours).toBeNull();
  });

  it("reads auto-close as never (-1), as soon as answered (empty) or a number of days", () => {
    expect(divisionSettingsSchema.parse(settingsForm({ autoCloseDays: "-1" })).autoCloseDays).toBe(-1);
    expect(divisionSettingsSchema.parse(settingsForm({ autoCloseDays: "" })).autoCloseDays).toBeNull();
    expect(divisionSettingsSchema.parse(settingsForm({ autoCloseDays: undefined })).autoCloseDays).toBeNull();
    expect(divisionSettingsSchema.parse(settingsForm({ autoCloseDays: "3650" })).autoCloseDays).toBe(3650);
  });

  it("takes empty lists and several recipients", () => {
    const parsed = divisionSettingsSchema.parse(
      settingsForm({ highlightDomains: "", spamDomains: " \n ", unprocessedRecipientIds: [someUuid, crypto.randomUUID()] }),
    );
    expect(parsed.highlightDomains).toEqual([]);
    expect(parsed.spamDomains).toEqual([]);
    expect(parsed.unprocessedRecipientIds).toHaveLength(2);
  });

  it.each([
    ["a tag starting with a digit", { tag: "1ACME" }, { tag: ["tagFormat"] }],
    ["a one-letter tag", { tag: "A" }, { tag: ["tagFormat"] }],
    ["a tag with punctuation", { tag: "AC-ME" }, { tag: ["tagFormat"] }],
    ["a tag of eleven letters", { tag: "ABCDEFGHIJK" }, { tag: ["tagFormat"] }],
    ["no name", { name: "  " }, { name: ["required"] }],
    ["a poll interval of 0", { pollIntervalMinutes: "0" }, { pollIntervalMinutes: ["intervalRange"] }],
    ["a poll interval over a day", { pollIntervalMinutes: "1441" }, { pollIntervalMinutes: ["intervalRange"] }],
    ["a poll interval of 1.5", { pollIntervalMinutes: "1.5" }, { pollIntervalMinutes: ["wholeNumber"] }],
    ["a poll interval in words", { pollIntervalMinutes: "five" }, { pollIntervalMinutes: ["wholeNumber"] }],
    ["auto-close of -2", { autoCloseDays: "-2" }, { autoCloseDays: ["autoCloseRange"] }],
    ["auto-close over ten years", { autoCloseDays: "3651" }, { autoCloseDays: ["autoCloseRange"] }],
    ["auto-close of 2.5 days", { autoCloseDays: "2.5" }, { autoCloseDays: ["wholeNumber"] }],
    ["a trash kept 0 days", { trashRetentionDays: "0" }, { trashRetentionDays: ["trashRetentionRange"] }],
    ["a trash kept over ten years", { trashRetentionDays: "3651" }, { trashRetentionDays: ["trashRetentionRange"] }],
    ["a highlight domain without a dot", { highlightDomains: "example.com\nlocalhost" }, { highlightDomains: ["domainFormat"] }],
    ["an address among highlight domains", { highlightDomains: "boss@example.com" }, { highlightDomains: ["domainFormat"] }],
    ["a highlight domain with an underscore", { highlightDomains: "bad_domain.com" }, { highlightDomains: ["domainFormat"] }],
    [
      "a spam entry that is neither domain nor address",
      { spamDomains: "spam.test\nnot-a-domain" },
      { spamDomains: ["domainOrAddressFormat"] },
    ],
    ["an unknown language", { language: "de" }, { language: ["invalidChoice"] }],
    ["an unknown automation mode", { automationMode: "convert_everything" }, { automationMode: ["invalidChoice"] }],
    ["too many suggestions", { maxSuggestions: "21" }, { maxSuggestions: ["suggestionsRange"] }],
    ["a mail size limit of 0 MB", { maxMailSizeMegabytes: "0" }, { maxMailSizeMegabytes: ["mailSizeRange"] }],
    ["a recipient that is not an id", { unprocessedRecipientIds: ["someone"] }, { unprocessedRecipientIds: ["invalidFormat"] }],
    ["no confirmations per sender", { confirmationsPerSenderPerHour: "0" }, { confirmationsPerSenderPerHour: ["confirmationsRange"] }],
    ["101 confirmations per sender", { confirmationsPerSenderPerHour: "101" }, { confirmationsPerSenderPerHour: ["confirmationsRange"] }],
    ["half a confirmation", { confirmationsPerSenderPerHour: "1.5" }, { confirmationsPerSenderPerHour: ["wholeNumber"] }],
    ["no confirmation limit at all", { confirmationsPerSenderPerHour: "" }, { confirmationsPerSenderPerHour: ["wholeNumber"] }],
    ["a mass-mail mailbox that is not an id", { massMailFromMailboxId: "support" }, { massMailFromMailboxId: ["invalidFormat"] }],
    ["an unknown time zone", { timeZone: "Mars/Olympus_Mons" }, { timeZone: ["timeZoneUnknown"] }],
    [
      "hours that end before they start",
      { businessHours: JSON.stringify([{ start: "17:00", end: "09:00" }, null, null, null, null, null, null]) },
      { businessHours: ["hoursOrder"] },
    ],
    [
      "an hour past midnight",
      { businessHours: JSON.stringify([{ start: "09:00", end: "24:30" }, null, null, null, null, null, null]) },
      { businessHours: ["timeFormat"] },
    ],
    ["a week closed every day", { businessHours: JSON.stringify([null, null, null, null, null, null, null]) }, { businessHours: ["noOpenDay"] }],
    ["six days of hours", { businessHours: JSON.stringify(weekdays.slice(1)) }, { businessHours: ["invalidFormat"] }],
    ["a holiday that is no date", { holidays: "2026-12-24\n24.12.2026" }, { holidays: ["dateFormat"] }],
    ["a target of no minutes", { firstResponseTargetMinutes: "0" }, { firstResponseTargetMinutes: ["targetRange"] }],
    ["a target over a year", { resolutionTargetMinutes: "525601" }, { resolutionTargetMinutes: ["targetRange"] }],
    ["a warning of no minutes", { escalateBeforeMinutes: "0" }, { escalateBeforeMinutes: ["escalateRange"] }],
  ])("refuses %s, naming the field", (_what, fields, expected) => {
    expect(fieldErrorsFor(fields)).toEqual(expected);
  });

  it("names every bad field at once", () => {
    expect(Object.keys(fieldErrorsFor({ tag: "", pollIntervalMinutes: "0", spamDomains: "x" })).sort()).toEqual([
      "pollIntervalMinutes",
      "spamDomains",
      "tag",
    ]);
  });
});

/** A mailbox of a division, as the mailbox pages would have saved it. */
async function addMailbox(db: Database, tenantId: string, divisionId: string, address: string) {
  const [mailbox] = await withTenant(db, tenantId, (tx) =>
    tx
      .insert(mailboxes)
      .values({
        tenantId,
        divisionId,
        name: address.split("@")[0]!,
        address,
        protocol: "imap",
        host: "imap.example.test",
        port: 993,
        security: "tls",
        username: address,
      })
      .returning(),
  );
  return mailbox!;
}

describe("saving division settings", () => {
  it("persists every setting and records who changed what", async () => {
    const company = await makeTenant(db, "Settings");
    const scope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" as const };
    const [colleague] = await db
      .insert(users)
      .values({ email: `colleague-${company.tenant.slug}@settings.test`, name: "Colleague", passwordHash: "x" })
      .returning();
    const mailbox = await addMailbox(db, company.tenant.id, company.divisionId, `news@${company.tenant.slug}.test`);
    const { knowledgeBaseId, templateId } = await withTenant(db, company.tenant.id, async (tx) => {
      await tx.insert(memberships).values({ tenantId: company.tenant.id, userId: colleague!.id, role: "agent" });
      const [kb] = await tx.insert(knowledgeBases).values({ tenantId: company.tenant.id, name: "FAQ" }).returning();
      const choices = await divisionSettingsChoices(tx, scope, company.divisionId);
      return {
        knowledgeBaseId: kb!.id,
        templateId: choices.unprocessedTemplates.find((t) => t.locale === "pl")!.id,
      };
    });
    const input = divisionSettingsSchema.parse(
      settingsForm({
        name: "Customer Care",
        tag: "care",
        dispatcherActive: undefined,
        sendingEnabled: undefined,
        sendConfirmations: undefined,
        checkSenderOnSubjectMatch: "on",
        showAnswered: undefined,
        showOnHold: "on",
        autoCloseDays: "-1",
        defaultKnowledgeBaseId: knowledgeBaseId,
        defaultSupportKnowledgeBaseId: knowledgeBaseId,
        unprocessedRecipientIds: [company.user.id, colleague!.id],
        unprocessedTemplateId: templateId,
        confirmationsPerSenderPerHour: "10",
        plusAddressing: "on",
        markOutgoingPrivate: "on",
        massMailFromMailboxId: mailbox.id,
      }),
    );

    const saved = await withTenant(db, company.tenant.id, (tx) =>
      updateDivisionSettings(tx, scope, company.divisionId, input),
    );
    const reread = await withTenant(db, company.tenant.id, (tx) => getDivision(tx, scope, company.divisionId));
    expect(settingsOf(saved)).toEqual(settingsOf(input));
    expect(settingsOf(reread)).toEqual(settingsOf(input));

    const audit = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, company.tenant.id), eq(auditLog.action, "division.settings_changed")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorUserId: company.user.id, targetType: "division", targetId: company.divisionId });
    expect(audit[0]!.details).toEqual({
      changed: expect.arrayContaining([
        "name",
        "tag",
        "dispatcherActive",
        "language",
        "automationMode",
        "autoCloseDays",
        "highlightDomains",
        "spamDomains",
        "defaultKnowledgeBaseId",
        "maxSuggestions",
        "unprocessedRecipientIds",
        "unprocessedTemplateId",
        "confirmationsPerSenderPerHour",
        "plusAddressing",
        "markOutgoingPrivate",
        "massMailFromMailboxId",
      ]),
    });
  });

  it("takes only a mailbox of the division itself as the sender of mass mail", async () => {
    const company = await makeTenant(db, "Mass Mail");
    const scope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" as const };
    const sales = await withTenant(db, company.tenant.id, (tx) =>
      createDivision(tx, scope, { name: "Sales", tag: "SALES" }),
    );
    const own = await addMailbox(db, company.tenant.id, company.divisionId, `news@${company.tenant.slug}.test`);
    const salesMailbox = await addMailbox(db, company.tenant.id, sales.id, `sales@${company.tenant.slug}.test`);

    const choices = await withTenant(db, company.tenant.id, (tx) =>
      divisionSettingsChoices(tx, scope, company.divisionId),
    );
    expect(choices.mailboxes).toEqual([{ id: own.id, name: own.name, address: own.address }]);

    const attempt = withTenant(db, company.tenant.id, (tx) =>
      updateDivisionSettings(tx, scope, company.divisionId, { massMailFromMailboxId: salesMailbox.id }),
    );
    await expect(attempt).rejects.toBeInstanceOf(RuleError);
    await expect(attempt).rejects.toMatchObject({ fieldErrors: { massMailFromMailboxId: ["invalidChoice"] } });

    const saved = await withTenant(db, company.tenant.id, (tx) =>
      updateDivisionSettings(tx, scope, company.divisionId, { massMailFromMailboxId: own.id }),
    );
    expect(saved.massMailFromMailboxId).toBe(own.id);
    const cleared = await withTenant(db, company.tenant.id, (tx) =>
      updateDivisionSettings(tx, scope, company.divisionId, { massMailFromMailboxId: null }),
    );
    expect(cleared.massMailFromMailboxId).toBeNull();
  });

  it("records no audit row when nothing changed", async () => {
    const company = await makeTenant(db, "Unchanged");
    const scope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" as const };
    const current = await withTenant(db, company.tenant.id, (tx) => getDivision(tx, scope, company.divisionId));
    await withTenant(db, company.tenant.id, (tx) =>
      updateDivisionSettings(tx, scope, company.divisionId, divisionSettingsSchema.parse(settingsOf(current))),
    );
    const audit = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.tenantId, company.tenant.id), eq(auditLog.action, "division.settings_changed")));
    expect(audit).toEqual([]);
  });

  it("refuses a tag or name another division of the same company has", async () => {
    const company = await makeTenant(db, "Taken Tags");
    const scope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" as const };
    await withTenant(db, company.tenant.id, (tx) => createDivision(tx, scope, { name: "Sales", tag: "SALES" }));
    const tagAttempt = withTenant(db, company.tenant.id, (tx) =>
      updateDivisionSettings(tx, scope, company.divisionId, { tag: "SALES" }),
    );
    await expect(tagAttempt).rejects.toBeInstanceOf(RuleError);
    await expect(tagAttempt).rejects.toMatchObject({ fieldErrors: { tag: ["tagTaken"] } });
    await expect(
      withTenant(db, company.tenant.id, (tx) => updateDivisionSettings(tx, scope, company.divisionId, { name: "sales" })),
    ).rejects.toMatchObject({ fieldErrors: { name: ["divisionNameTaken"] } });
    // Keeping its own tag is no conflict.
    const own = await withTenant(db, company.tenant.id, (tx) => getDivision(tx, scope, company.divisionId));
    await expect(
      withTenant(db, company.tenant.id, (tx) => updateDivisionSettings(tx, scope, company.divisionId, { tag: own.tag })),
    ).resolves.toMatchObject({ tag: own.tag });
  });

  it("lets another company use the same tag", async () => {
    const first = await makeTenant(db, "First Co");
    const second = await makeTenant(db, "Second Co");
    for (const company of [first, second]) {
      const scope = { tenantId: company.tenant.id, userId: company.user.id, role: "owner" as const };
      const saved = await withTenant(db, company.tenant.id, (tx) =>
        updateDivisionSettings(tx, scope, company.divisionId, { tag: "HELP" }),
      );
      expect(saved.tag).toBe("HELP");
    }
  });
});

describe("a new division's sending", () => {
  it("is off in a test database, so that nothing is mailed until a test turns it on", async () => {
    const company = await makeTenant(db, "Quiet");
    const division = await withTenant(db, company.tenant.id, (tx) =>
      createDivision(tx, operatorScope(company.tenant.id), { name: "Sales", tag: "SALES" }),
    );
    expect(division.sendingEnabled).toBe(false);
  });

  it("is on outside tests", async () => {
    const company = await makeTenant(db, "Loud");
    vi.stubEnv("NODE_ENV", "production");
    try {
      const division = await withTenant(db, company.tenant.id, (tx) =>
        createDivision(tx, operatorScope(company.tenant.id), { name: "Sales", tag: "SALES" }),
      );
      expect(division.sendingEnabled).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
