import { and, desc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, mailboxes } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { RuleError } from "../../lib/errors";
import { mailboxOutboundConnectionSchema, mailboxOutboundLogin } from "../../lib/mailboxes/connection-check";
import { createMailbox, outboundLogin, updateMailbox, viewOf } from "../../lib/mailboxes/mailboxes";
import { mailboxSettingsSchema } from "../../lib/mailboxes/settings";
import { openSecret } from "../../lib/secrets";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

const INBOUND_PASSWORD = "Incoming-Password-1";

/** The mailbox form as posted: checked boxes "on", unchecked ones absent, untouched passwords "". */
function settings(fields: Record<string, string | undefined> = {}) {
  return mailboxSettingsSchema.parse({
    name: "Support",
    address: "support@acme.test",
    protocol: "imap",
    host: "imap.acme.test",
    security: "tls",
    username: "support@acme.test",
    password: INBOUND_PASSWORD,
    active: "on",
    smtpHost: "smtp.acme.test",
    smtpSecurity: "starttls",
    smtpAuthRequired: "on",
    smtpSameCredentials: "on",
    smtpDisplayName: "Acme Support",
    ...fields,
  });
}

async function refusal(promise: Promise<unknown>): Promise<RuleError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(RuleError);
  return error as RuleError;
}

describe("a mailbox's outgoing server", () => {
  it("signs in with the incoming login by default, storing no SMTP password", async () => {
    const company = await makeTenant(db, "SmtpSame");
    const scope = operatorScope(company.tenant.id);
    const mailbox = await withTenant(db, company.tenant.id, (tx) =>
      createMailbox(tx, scope, company.divisionId, settings()),
    );
    expect(mailbox).toMatchObject({
      smtpHost: "smtp.acme.test",
      smtpPort: 587,
      smtpSecurity: "starttls",
      smtpSameCredentials: true,
      smtpPasswordEnc: null,
      smtpDisplayName: "Acme Support",
      smtpReplyTo: null,
      smtpTimeoutMs: 30_000,
    });
    expect(outboundLogin(mailbox, undefined)).toEqual({
      host: "smtp.acme.test",
      port: 587,
      security: "starttls",
      auth: { username: "support@acme.test", password: INBOUND_PASSWORD },
      timeoutMs: 30_000,
    });
  });

  it("needs an SMTP password of its own when it signs in as someone else, and keeps it sealed", async () => {
    const company = await makeTenant(db, "SmtpOwn");
    const scope = operatorScope(company.tenant.id);
    const own = { smtpSameCredentials: undefined, smtpUsername: "relay-user" };

    const missing = await refusal(
      withTenant(db, company.tenant.id, (tx) => createMailbox(tx, scope, company.divisionId, settings(own))),
    );
    expect(missing.fieldErrors).toEqual({ smtpPassword: ["required"] });

    const smtpPassword = "Outgoing-Password-2";
    const mailbox = await withTenant(db, company.tenant.id, (tx) =>
      createMailbox(tx, scope, company.divisionId, settings({ ...own, smtpPassword })),
    );
    expect(mailbox.smtpPasswordEnc).toMatch(/^v1\./);
    expect(mailbox.smtpPasswordEnc).not.toContain(smtpPassword);
    expect(openSecret(mailbox.smtpPasswordEnc!)).toBe(smtpPassword);
    expect(viewOf(mailbox)).toMatchObject({ hasSmtpPassword: true, smtpUsername: "relay-user" });
    expect(JSON.stringify(viewOf(mailbox))).not.toContain(mailbox.smtpPasswordEnc!);
    expect(outboundLogin(mailbox, undefined)?.auth).toEqual({ username: "relay-user", password: smtpPassword });

    // Saved again with the password field empty: the stored one stays, and the audit says so.
    const kept = await withTenant(db, company.tenant.id, (tx) =>
      updateMailbox(tx, scope, mailbox.id, settings({ ...own, password: "", smtpPassword: "" })),
    );
    expect(kept.smtpPasswordEnc).toBe(mailbox.smtpPasswordEnc);
    expect(kept.passwordEnc).toBe(mailbox.passwordEnc);

    const changed = await withTenant(db, company.tenant.id, (tx) =>
      updateMailbox(tx, scope, mailbox.id, settings({ ...own, password: "", smtpPassword: "Outgoing-Password-3" })),
    );
    expect(openSecret(changed.smtpPasswordEnc!)).toBe("Outgoing-Password-3");

    // Back to the incoming login: the incoming password would now go to the SMTP server too, which
    // it was not saved for, so it must be typed again; the own password has no purpose left and goes.
    const unsaid = await refusal(
      withTenant(db, company.tenant.id, (tx) => updateMailbox(tx, scope, mailbox.id, settings({ password: "", smtpUsername: "relay-user" }))),
    );
    expect(unsaid.fieldErrors).toEqual({ password: ["reenterForNewServer"] });
    const same = await withTenant(db, company.tenant.id, (tx) =>
      updateMailbox(tx, scope, mailbox.id, settings({ smtpUsername: "relay-user" })),
    );
    expect(same).toMatchObject({ smtpSameCredentials: true, smtpUsername: null, smtpPasswordEnc: null });

    const audits = await withTenant(db, company.tenant.id, (tx) =>
      tx
        .select({ details: auditLog.details })
        .from(auditLog)
        .where(and(eq(auditLog.action, "mailbox.updated"), eq(auditLog.targetId, mailbox.id)))
        .orderBy(desc(auditLog.id)),
    );
    expect(audits.map((audit) => audit.details)).toEqual([
      { passwordChanged: true, smtpHost: "smtp.acme.test", smtpPasswordChanged: true },
      { passwordChanged: false, smtpHost: "smtp.acme.test", smtpPasswordChanged: true },
      { passwordChanged: false, smtpHost: "smtp.acme.test", smtpPasswordChanged: false },
    ]);
    expect(JSON.stringify(audits)).not.toMatch(/Outgoing-Password|v1\./);

    // Own login again without a password: none is stored any more, so one is needed.
    const again = await refusal(
      withTenant(db, company.tenant.id, (tx) => updateMailbox(tx, scope, mailbox.id, settings({ ...own, password: "" }))),
    );
    expect(again.fieldErrors).toEqual({ smtpPassword: ["required"] });
  });

  it("has no outgoing login without a server, or without sign-in", async () => {
    const company = await makeTenant(db, "SmtpNone");
    const scope = operatorScope(company.tenant.id);
    const [none, relay] = await withTenant(db, company.tenant.id, async (tx) => [
      await createMailbox(tx, scope, company.divisionId, settings({ smtpHost: "" })),
      await createMailbox(tx, scope, company.divisionId, settings({ smtpAuthRequired: undefined, smtpSecurity: "none" })),
    ]);
    expect(none).toMatchObject({ smtpHost: null, smtpPort: null, smtpSecurity: null });
    expect(outboundLogin(none, undefined)).toBeNull();
    expect(outboundLogin(relay, undefined)).toMatchObject({ port: 25, security: "none", auth: null });
  });

  it("tests the form's unsaved values, with the stored SMTP password standing in for an empty field", async () => {
    const company = await makeTenant(db, "SmtpCheck");
    const scope = operatorScope(company.tenant.id);
    const mailbox = await withTenant(db, company.tenant.id, (tx) =>
      createMailbox(
        tx,
        scope,
        company.divisionId,
        settings({ smtpSameCredentials: undefined, smtpUsername: "relay-user", smtpPassword: "Stored-Smtp-4" }),
      ),
    );
    const inbound = {
      login: {
        host: "imap.acme.test",
        port: 993,
        security: "tls" as const,
        username: "typed-user",
        password: "Typed-Incoming-5",
        timeoutMs: 30_000,
      },
      account: null,
      reusing: null,
    };
    const form = {
      smtpHost: "smtp.acme.test",
      smtpSecurity: "starttls",
      smtpPort: "",
      smtpAuthRequired: "on",
      smtpTimeoutSeconds: "10",
    };
    const resolve = (fields: Record<string, string>) =>
      withTenant(db, company.tenant.id, (tx) =>
        mailboxOutboundLogin(tx, scope, mailboxOutboundConnectionSchema.parse({ ...form, ...fields }), inbound),
      );

    expect(await resolve({ mailboxId: mailbox.id, smtpUsername: "relay-user" })).toMatchObject({
      port: 587,
      timeoutMs: 10_000,
      auth: { username: "relay-user", password: "Stored-Smtp-4" },
    });
    expect((await resolve({ smtpSameCredentials: "on" }))?.auth).toEqual({ username: "typed-user", password: "Typed-Incoming-5" });
    expect(await resolve({ smtpHost: "" })).toBeNull();
    // The stored password goes only where it was saved for: another host, port, security or user
    // must bring it again.
    const elsewheres: Record<string, string>[] = [
      { smtpHost: "smtp.elsewhere.test" },
      { smtpPort: "2525" },
      { smtpSecurity: "none" },
      { smtpUsername: "someone-else" },
    ];
    for (const elsewhere of elsewheres) {
      const moved = await refusal(resolve({ mailboxId: mailbox.id, smtpUsername: "relay-user", ...elsewhere }));
      expect(moved.fieldErrors).toEqual({ smtpPassword: ["reenterForNewServer"] });
    }
    expect((await resolve({ mailboxId: mailbox.id, smtpHost: "smtp.elsewhere.test", smtpUsername: "relay-user", smtpPassword: "Typed-Again-6" }))?.auth).toEqual({
      username: "relay-user",
      password: "Typed-Again-6",
    });
    const unsaved = await refusal(resolve({ smtpUsername: "" }));
    expect(unsaved.fieldErrors).toEqual({ smtpUsername: ["required"], smtpPassword: ["required"] });
    // A test saves nothing: the stored password is as it was.
    const rows = await withTenant(db, company.tenant.id, (tx) => tx.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id)));
    expect(rows[0]?.smtpPasswordEnc).toBe(mailbox.smtpPasswordEnc);
  });
});
