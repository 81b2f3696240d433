import fs from "node:fs";
import path from "node:path";
import { createTranslator } from "next-intl";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import en from "../../messages/en.json";
import pl from "../../messages/pl.json";
import { type AppServer, startAppServer } from "./app-server";

/**
 * What every browser test file shares: the production app on its own port, headless Chromium, and
 * the message catalogues, so tests look for what a user reads. Call `browserTests(name)` at the top
 * of a file; it starts both before the file's tests and stops them after.
 */

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = path.join(process.cwd(), "test-results", "e2e");
// The first run builds the app (2–3 minutes on two cores); each scenario then takes well under one.
const SETUP_TIMEOUT_MS = 10 * 60_000;
export const SCENARIO_TIMEOUT_MS = 3 * 60_000;
const STEP_TIMEOUT_MS = 30_000;

export const tPl = createTranslator({ locale: "pl", messages: pl });
export const tEn = createTranslator({ locale: "en", messages: en });

type Locale = "en" | "pl";

/**
 * A real app server and Chromium for one test file. `prepare` runs before the server starts and may
 * give it other options (its own embedded database, the embedded worker).
 */
export function browserTests(
  name: string,
  prepare: () => Promise<Partial<Parameters<typeof startAppServer>[0]>> = async () => ({}),
) {
  let server: AppServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error("Chromium is missing: run `apt-get install -y chromium` (npm test installs it on Debian as root)");
    }
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    // One log per file: the files run in parallel, each with its own server.
    const logFile = path.join(SCREENSHOTS, `server-${name}.log`);
    fs.rmSync(logFile, { force: true });
    server = await startAppServer({ databaseUrl: inject("databaseUrl"), logFile, ...(await prepare()) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  }, 60_000);

  function url(pathname: string): string {
    return `${server!.url}${pathname}`;
  }

  return {
    url,
    serverUrl: () => server!.url,

    async newPage(): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 860 }, locale: "en-US" });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      page.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
      return { context, page };
    },

    async screenshot(page: Page, file: string, options: { fullPage?: boolean } = {}): Promise<void> {
      await page.screenshot({ path: path.join(SCREENSHOTS, `${file}.png`), fullPage: options.fullPage ?? true });
    },

    async heading(page: Page): Promise<string> {
      return (await page.getByRole("heading", { level: 1 }).first().textContent())?.trim() ?? "";
    },

    async signIn(page: Page, locale: Locale, email: string, password: string): Promise<void> {
      const t = locale === "pl" ? tPl : tEn;
      await page.goto(url(`/${locale}/sign-in`));
      await page.getByLabel(t("signIn.email")).fill(email);
      await page.getByLabel(t("signIn.password")).fill(password);
      // Exact: "Sign in with …" buttons for providers stand beside it.
      await page.getByRole("button", { name: t("signIn.submit"), exact: true }).click();
    },

    /** A failed step's error with the end of the server's log, which usually says why. */
    failure(error: unknown): Error {
      return new Error(`${(error as Error).message}\n--- server log ---\n${server?.log().slice(-3000)}`, { cause: error });
    },
  };
}
