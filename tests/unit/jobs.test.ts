import fs from "node:fs";
import path from "node:path";
// The SDK's own package: the task catalog Trigger.dev's indexer fills when it loads jobs/.
import { resourceCatalog } from "@trigger.dev/core/v3";
import { StandardResourceCatalog } from "@trigger.dev/core/v3/workers";
import { beforeAll, describe, expect, it, vi } from "vitest";

const jobsDir = path.resolve(import.meta.dirname, "../../jobs");
const taskFiles = fs.readdirSync(jobsDir).filter((name) => name.endsWith(".ts")).sort();
const modules = new Map<string, Record<string, unknown>>();

/** Loads every task file as the indexer does: one file context at a time, no Trigger.dev key. */
beforeAll(async () => {
  vi.stubEnv("TRIGGER_SECRET_KEY", undefined);
  resourceCatalog.setGlobalResourceCatalog(new StandardResourceCatalog());
  // Tasks a file imports from another file register under the file that defines them.
  for (const name of ["poll-mailbox.ts", ...taskFiles.filter((file) => file !== "poll-mailbox.ts")]) {
    const file = path.join(jobsDir, name);
    resourceCatalog.setCurrentFileContext(file, name);
    modules.set(name, await import(file));
    resourceCatalog.clearCurrentFileContext();
  }
  return () => {
    resourceCatalog.disable();
    vi.unstubAllEnvs();
  };
});

const manifest = (id: string) => resourceCatalog.getTaskManifest(id);

describe("the Trigger.dev tasks in jobs/", () => {
  it("each file defines the tasks it is named for, with ids the catalog knows", () => {
    expect(taskFiles).toEqual([
      "auto-close.ts",
      "dispatch.ts",
      "mailbox-cleanup.ts",
      "poll-mailbox.ts",
      "send-outbox.ts",
      "service-levels.ts",
      "sign-in-cleanup.ts",
      "token-keepalive.ts",
      "trash-retention.ts",
    ]);
    const ids = [...modules.entries()].flatMap(([file, exports]) =>
      Object.values(exports)
        .filter((value): value is { id: string } => typeof value === "object" && value !== null && "batchTrigger" in value)
        .map((task) => `${file}: ${task.id}`),
    );
    expect(ids.sort()).toEqual([
      "auto-close.ts: auto-close",
      "dispatch.ts: dispatch",
      "mailbox-cleanup.ts: mailbox-cleanup",
      "poll-mailbox.ts: poll-mailbox",
      "send-outbox.ts: send-outbox",
      "service-levels.ts: service-levels",
      "sign-in-cleanup.ts: sign-in-cleanup",
      "token-keepalive.ts: token-keepalive",
      "trash-retention.ts: trash-retention",
    ]);
    expect(resourceCatalog.listTaskIdCollisions()).toEqual([]);
    for (const { id, filePath } of resourceCatalog.listTaskManifests()) expect(path.basename(filePath)).toBe(`${id}.ts`);
  });

  it("the scheduled tasks run on their schedules, in UTC", () => {
    const schedules = Object.fromEntries(
      ["dispatch", "send-outbox", "auto-close", "service-levels", "mailbox-cleanup", "token-keepalive", "sign-in-cleanup", "trash-retention"].map((id) => [id, manifest(id)?.schedule]),
    );
    expect(schedules).toEqual({
      dispatch: expect.objectContaining({ cron: "* * * * *", timezone: "UTC" }),
      "send-outbox": expect.objectContaining({ cron: "* * * * *", timezone: "UTC" }),
      "auto-close": expect.objectContaining({ cron: "*/15 * * * *", timezone: "UTC" }),
      "service-levels": expect.objectContaining({ cron: "* * * * *", timezone: "UTC" }),
      "mailbox-cleanup": expect.objectContaining({ cron: "0 * * * *", timezone: "UTC" }),
      "token-keepalive": expect.objectContaining({ cron: "30 * * * *", timezone: "UTC" }),
      "sign-in-cleanup": expect.objectContaining({ cron: "45 * * * *", timezone: "UTC" }),
      "trash-retention": expect.objectContaining({ cron: "15 * * * *", timezone: "UTC" }),
    });
    expect(manifest("poll-mailbox")?.schedule).toBeUndefined();
  });

  it("poll-mailbox runs once at a time per concurrency key and validates its payload", async () => {
    expect(manifest("poll-mailbox")?.concurrency).toMatchObject({ inline: { perKey: 1 } });
    const { pollMailboxPayload } = await import("../../jobs/poll-mailbox");
    const ids = { tenantId: crypto.randomUUID(), mailboxId: crypto.randomUUID() };
    expect(pollMailboxPayload.parse(ids)).toEqual(ids);
    expect(pollMailboxPayload.safeParse({ tenantId: ids.tenantId }).success).toBe(false);
    expect(pollMailboxPayload.safeParse({ ...ids, mailboxId: "inbox" }).success).toBe(false);
  });
});
