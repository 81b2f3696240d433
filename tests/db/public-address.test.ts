import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { instanceSettings } from "../../db/schema";
import { appUrl, loadStoredOrigin, publicAddress, recordRequestOrigin } from "../../lib/app-url";
import { startWorker } from "../../lib/dispatch/worker";
import { ownDatabase } from "../setup/db";

// A database of its own: the stored origin is the whole instance's, one row for every test file.
const { db } = await ownDatabase();

const storedRows = () => db.select().from(instanceSettings).where(eq(instanceSettings.key, "public_origin"));

/** What a process that has read nothing yet (a worker started beside the web app) holds. */
function forgetWhatThisProcessRead() {
  delete (globalThis as { postdeskStoredOrigin?: unknown }).postdeskStoredOrigin;
}

beforeEach(async () => {
  vi.stubEnv("POSTDESK_URL", "");
  vi.stubEnv("NEXTAUTH_URL", "");
  vi.stubEnv("PORT", "3100");
  await db.delete(instanceSettings).where(eq(instanceSettings.key, "public_origin"));
  forgetWhatThisProcessRead();
});

afterEach(() => {
  vi.unstubAllEnvs();
  forgetWhatThisProcessRead();
});

describe("the origin the web app is first seen at", () => {
  it("is stored once: a later request from elsewhere does not replace it", async () => {
    expect(appUrl("/unsubscribe/x")).toBe("http://localhost:3100/unsubscribe/x");

    await recordRequestOrigin(db, "https://help.example.com");
    await recordRequestOrigin(db, "https://elsewhere.example.com");
    forgetWhatThisProcessRead();
    await recordRequestOrigin(db, "http://localhost:3100");

    expect((await storedRows()).map((row) => row.value)).toEqual(["https://help.example.com"]);
    expect(publicAddress()).toEqual({ origin: "https://help.example.com", source: "firstSeen" });
    expect(appUrl("/unsubscribe/x")).toBe("https://help.example.com/unsubscribe/x");
  });

  it("gives way once, to the first public origin after loopback ones", async () => {
    await recordRequestOrigin(db, "http://localhost:3100");
    await recordRequestOrigin(db, "http://127.0.0.1:3100");
    expect((await storedRows()).map((row) => row.value)).toEqual(["http://localhost:3100"]);

    await recordRequestOrigin(db, "http://192.168.1.20:3100");
    await recordRequestOrigin(db, "https://help.example.com");
    expect((await storedRows()).map((row) => row.value)).toEqual(["http://192.168.1.20:3100"]);
  });

  it("is not stored while an address is configured, and the configured one is used", async () => {
    vi.stubEnv("POSTDESK_URL", "https://configured.example.com");
    await recordRequestOrigin(db, "https://help.example.com");
    expect(await storedRows()).toEqual([]);
    expect(appUrl("/x")).toBe("https://configured.example.com/x");
  });

  it("is what the worker's links use: it reads the stored origin on its tick, with no request", async () => {
    await recordRequestOrigin(db, "https://help.example.com");
    forgetWhatThisProcessRead();
    expect(appUrl("/x")).toBe("http://localhost:3100/x");

    const worker = startWorker(db, { chores: [], loop: false });
    try {
      await worker.tick();
    } finally {
      await worker.stop();
    }
    expect(appUrl("/x")).toBe("https://help.example.com/x");
  });

  it("is read again after a minute, not on every call", async () => {
    await loadStoredOrigin(db, 1_000);
    await db.insert(instanceSettings).values({ key: "public_origin", value: "https://later.example.com" });
    await loadStoredOrigin(db, 30_000);
    expect(publicAddress().source).toBe("fallback");
    await loadStoredOrigin(db, 62_000);
    expect(publicAddress()).toEqual({ origin: "https://later.example.com", source: "firstSeen" });
  });
});
