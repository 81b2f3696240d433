import crypto from "node:crypto";
import * as openpgp from "openpgp";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { hashPassword } from "../../lib/auth/password";
import { setDivisionPgpKey } from "../../lib/divisions/pgp-key";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tEn, tPl } from "./browser";

/**
 * The division's PGP key in a real browser: a key that does not unlock is refused next to its field,
 * one that does shows only its fingerprint, and removing it brings the form back. The key itself
 * never comes back from the server, not even after a failed save.
 */

const db = await testDatabase();
const { url, newPage, screenshot, signIn, failure } = browserTests("pgp-key");

function unique(): string {
  return crypto.randomBytes(4).toString("hex");
}

async function generatedKey(passphrase?: string) {
  const { privateKey } = await openpgp.generateKey({
    type: "curve25519",
    userIDs: [{ email: "support@pgp.test" }],
    passphrase,
    format: "armored",
  });
  const key = await openpgp.readPrivateKey({ armoredKey: privateKey });
  const fingerprint = key.getFingerprint().toUpperCase();
  // A line of the key's body: the armor's header is also the form's placeholder.
  const bodyLine = privateKey.split("\n").reduce((longest, line) => (line.length > longest.length ? line : longest));
  return { armored: privateKey, bodyLine, grouped: fingerprint.match(/.{4}/g)!.join(" ") };
}

/** Every response body the page receives (documents and server actions), to search for the key. */
function recordResponses(page: Page): () => Promise<string[]> {
  const bodies: Promise<string>[] = [];
  page.on("response", (response) => {
    const type = response.request().resourceType();
    if (type === "document" || type === "fetch") bodies.push(response.text().catch(() => ""));
  });
  return () => Promise.all(bodies);
}

describe("the division's PGP key in the browser", () => {
  it(
    "an owner's key with a wrong passphrase is refused by its field; with the right one only its fingerprint shows, until it is removed",
    async () => {
      const owner = await makeTenant(db, "PGP Co");
      const passphrase = `open sesame ${unique()}`;
      const key = await generatedKey(passphrase);
      const { context, page } = await newPage();
      const responses = recordResponses(page);
      const settingsPath = `/${owner.tenant.slug}/settings/divisions/${owner.divisionId}`;
      try {
        await signIn(page, "en", owner.email, owner.password);
        await page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
        await page.goto(url(`/en${settingsPath}`));
        await page.getByRole("heading", { level: 2, name: tEn("divisionSettings.pgpKey.title") }).waitFor();
        await page.getByText(tEn("divisionSettings.pgpKey.none")).waitFor();
        await page.getByText(tEn("divisionSettings.pgpKey.fields.armoredPrivateKey.help")).waitFor();

        // A wrong passphrase: the error sits by the key, which stays as typed for another try.
        const armoredKey = page.getByLabel(tEn("divisionSettings.pgpKey.fields.armoredPrivateKey.label"));
        const keyPassphrase = page.getByLabel(tEn("divisionSettings.pgpKey.fields.passphrase.label"));
        await armoredKey.fill(key.armored);
        await keyPassphrase.fill("not the passphrase");
        await page.getByRole("button", { name: tEn("divisionSettings.pgpKey.save") }).click();
        await page.locator("#armoredPrivateKey-error").getByText(tEn("errors.pgpKeyUnusable")).waitFor();
        expect(await armoredKey.inputValue()).toBe(key.armored);
        await screenshot(page, "40-pgp-key-refused-en");

        // The right one: the form gives way to the fingerprint in blocks of four.
        await keyPassphrase.fill(passphrase);
        await page.getByRole("button", { name: tEn("divisionSettings.pgpKey.save") }).click();
        await page.getByText(tEn("divisionSettings.pgpKey.saved")).waitFor();
        expect(await page.getByTestId("pgp-fingerprint").textContent()).toBe(key.grouped);
        expect(await armoredKey.count()).toBe(0);
        await screenshot(page, "41-pgp-key-set-en");

        // In Polish after a reload; "Replace key" opens the same form, "Cancel" closes it.
        await page.goto(url(`/pl${settingsPath}`));
        await page.getByRole("heading", { level: 2, name: tPl("divisionSettings.pgpKey.title") }).waitFor();
        expect(await page.getByTestId("pgp-fingerprint").textContent()).toBe(key.grouped);
        await page.getByRole("button", { name: tPl("divisionSettings.pgpKey.replace") }).click();
        await page.getByLabel(tPl("divisionSettings.pgpKey.fields.armoredPrivateKey.label")).waitFor();
        await page.getByRole("button", { name: tPl("divisionSettings.pgpKey.cancel") }).click();
        expect(await page.getByLabel(tPl("divisionSettings.pgpKey.fields.armoredPrivateKey.label")).count()).toBe(0);
        await screenshot(page, "42-pgp-key-set-pl");

        // Removing asks first, then brings back the empty form.
        let question = "";
        page.once("dialog", (dialog) => {
          question = dialog.message();
          void dialog.accept();
        });
        await page.getByRole("button", { name: tPl("divisionSettings.pgpKey.remove") }).click();
        await page.getByText(tPl("divisionSettings.pgpKey.removed")).waitFor();
        expect(question).toBe(tPl("divisionSettings.pgpKey.removeConfirm"));
        await page.getByText(tPl("divisionSettings.pgpKey.none")).waitFor();
        expect(await page.getByLabel(tPl("divisionSettings.pgpKey.fields.armoredPrivateKey.label")).inputValue()).toBe("");
        expect(await page.getByTestId("pgp-fingerprint").count()).toBe(0);
        await page.getByRole("button", { name: tPl("divisionSettings.pgpKey.save") }).waitFor();
        await screenshot(page, "43-pgp-key-removed-pl");

        const bodies = await responses();
        expect(bodies.length).toBeGreaterThan(3);
        for (const body of bodies) {
          expect(body).not.toContain(key.bodyLine);
          expect(body).not.toContain(passphrase);
        }
      } catch (error) {
        await screenshot(page, "failure-pgp-key").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );

  it(
    "an agent sees that a key is set and its fingerprint, but cannot change it",
    async () => {
      const owner = await makeTenant(db, "PGP Agents");
      const key = await generatedKey();
      await withTenant(db, owner.tenant.id, (tx) =>
        setDivisionPgpKey(tx, operatorScope(owner.tenant.id), owner.divisionId, { armoredPrivateKey: key.armored, passphrase: null }),
      );
      const email = `agent-${unique()}@pgp.test`;
      const password = `Agent-Password-${unique()}`;
      const [user] = await db
        .insert(schema.users)
        .values({ email, name: "Ada Agent", passwordHash: await hashPassword(password) })
        .returning();
      await db.insert(schema.memberships).values({ tenantId: owner.tenant.id, userId: user!.id, role: "agent" });
      const { context, page } = await newPage();
      try {
        await signIn(page, "en", email, password);
        await page.waitForURL(`**/en/${owner.tenant.slug}/tickets`);
        await page.goto(url(`/en/${owner.tenant.slug}/settings/divisions/${owner.divisionId}`));
        expect(await page.getByTestId("pgp-fingerprint").textContent()).toBe(key.grouped);
        // The settings form's notice, and the key section's own.
        expect(await page.getByText(tEn("divisionSettings.onlyAdmins")).count()).toBe(2);
        for (const button of ["save", "replace", "remove"] as const) {
          expect(await page.getByRole("button", { name: tEn(`divisionSettings.pgpKey.${button}`) }).count()).toBe(0);
        }
        expect(await page.getByLabel(tEn("divisionSettings.pgpKey.fields.armoredPrivateKey.label")).count()).toBe(0);
        await screenshot(page, "44-pgp-key-agent-en");
      } catch (error) {
        await screenshot(page, "failure-pgp-key-agent").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
