import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, vi } from "vitest";
import { type DatabaseHandle, openDatabase } from "../../db/client";

/** PGlite starts in several seconds on a small machine: the timeout of each embedded test. */
export const EMBEDDED_TIMEOUT = 60_000;

/**
 * The embedded database (PGlite, as with `DATABASE_URL` unset) of this test file alone, in a
 * folder of its own: opened before the file's tests, closed and removed after them.
 */
export function embeddedDatabase(prefix: string): { dataDir: string; handle: () => DatabaseHandle } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `postdesk-${prefix}-`));
  let opened: DatabaseHandle | undefined;
  beforeAll(async () => {
    vi.stubEnv("DATABASE_URL", undefined);
    vi.stubEnv("POSTDESK_DATA_DIR", dataDir);
    opened = await openDatabase(undefined);
  }, EMBEDDED_TIMEOUT);
  afterAll(async () => {
    await opened?.close();
    vi.unstubAllEnvs();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  return {
    dataDir,
    handle: () => {
      if (!opened) throw new Error("The embedded database is opened before the tests, not while they are defined");
      return opened;
    },
  };
}
