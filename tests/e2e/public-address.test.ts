import { describe, expect, it } from "vitest";
import { makeTenant, testDatabase } from "../setup/db";
import { browserTests, SCENARIO_TIMEOUT_MS, tPl } from "./browser";

/**
 * The company's settings page tells an owner the address links in mail lead to, where it came from,
 * and what is wrong with it: here the server is configured with an address other than the one the
 * page is opened at, as when POSTDESK_URL was copied from another installation.
 */

const CONFIGURED = "https://help.example.test";

const db = await testDatabase();
const { url, serverUrl, newPage, signIn, screenshot, failure } = browserTests("public-address", async () => ({
  env: { POSTDESK_URL: CONFIGURED },
}));

describe("the public address on the settings page", () => {
  it(
    "shows the configured address and warns, in Polish, that the page was opened elsewhere and POSTDESK_URL should say so",
    async () => {
      const owner = await makeTenant(db, "Adres");
      const { context, page } = await newPage();
      try {
        // Sign-in lands in the owner's own language; the settings are then opened in Polish.
        await signIn(page, "pl", owner.email, owner.password);
        await page.waitForURL(`**/${owner.tenant.slug}/tickets`);
        await page.goto(url(`/pl/${owner.tenant.slug}/settings`));
        await page.getByRole("heading", { level: 2, name: tPl("settings.publicAddress.title") }).waitFor();

        expect(await page.getByTestId("public-address").textContent()).toBe(CONFIGURED);
        await page.getByText(tPl("settings.publicAddress.source.configured")).waitFor();
        const warning = page.getByTestId("public-address-differs");
        expect(await warning.textContent()).toBe(
          tPl("settings.publicAddress.warning.differs", { address: CONFIGURED, origin: serverUrl() }),
        );
        // The only warning: the address is https, and not on loopback.
        expect(await page.locator('[data-testid^="public-address-"][role="alert"]').count()).toBe(1);
        await screenshot(page, "230-public-address-differs-pl");
      } catch (error) {
        await screenshot(page, "failure-public-address").catch(() => {});
        throw failure(error);
      } finally {
        await context.close();
      }
    },
    SCENARIO_TIMEOUT_MS,
  );
});
