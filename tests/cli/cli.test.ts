import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { tenants } from "../../db/schema";
import { authenticate } from "../../lib/auth/sign-in";
import { json, postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

/** The environment of a machine without DATABASE_URL: the embedded database in `dataDir`. */
function embedded(dataDir: string): NodeJS.ProcessEnv {
  const { DATABASE_URL: _unused, ...env } = process.env;
  return { ...env, POSTDESK_DATA_DIR: dataDir };
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-cli-"));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe("postdesk tenant create", () => {
  it("prints the new company as one JSON object, and its owner can sign in", async () => {
    const suffix = crypto.randomBytes(4).toString("hex");
    const email = `admin-${suffix}@acme.test`;
    const password = "Correct-Horse-9";
    const run = await postdesk([
      "tenant", "create", "--name", `Acme ${suffix}`, "--admin-email", email, "--admin-password", password, "--json",
    ]);
    const tenant = json(run);
    expect(tenant).toMatchObject({
      name: `Acme ${suffix}`,
      slug: `acme-${suffix}`,
      admin: { email, name: `Admin-${suffix}` },
      division: { name: "Support", tag: expect.stringMatching(/^ACME/) },
    });
    expect(run.stdout).not.toContain(password);
    expect(run.stdout).not.toMatch(/hash/i);
    const signIn = await authenticate(db, { email, password });
    expect(signIn.ok && signIn.user.id).toBe(tenant.admin.id);
  });

  it("refuses an owner's password that is easy to guess, with the estimator's reasons, as sign-up does", async () => {
    const name = `Weak ${crypto.randomBytes(4).toString("hex")}`;
    const run = await postdesk([
      "tenant", "create", "--name", name, "--admin-email", `weak-${crypto.randomBytes(4).toString("hex")}@cli.test`,
      "--admin-password", "aaaaaaaaaa",
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--admin-password: is too easy to guess");
    expect(run.stderr).toContain("Repeated characters like “aaa” are easy to guess.");
    expect(await db.select().from(tenants).where(eq(tenants.name, name))).toEqual([]);
  });

  it("refuses an admin email that already has an account, names the option and leaves nothing behind", async () => {
    const existing = await makeTenant(db, "Taken");
    const name = `Second ${crypto.randomBytes(4).toString("hex")}`;
    const run = await postdesk([
      "tenant", "create", "--name", name, "--admin-email", existing.email.toUpperCase(),
      "--admin-password", "Another-Password-1",
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("--admin-email: already belongs to an account");
    expect(await db.select().from(tenants).where(eq(tenants.name, name))).toEqual([]);
  });
});

describe("postdesk division", () => {
  it("creates, lists, sets and shows a division, with every setting spelled as on the command line", async () => {
    const company = await makeTenant(db, "Round Trip");
    const created = json(
      await postdesk([
        "division", "create", "--tenant", company.tenant.slug, "--name", "Sales", "--tag", "sales", "--json",
      ]),
    );
    expect(created).toMatchObject({ tenant: { slug: company.tenant.slug }, settings: { name: "Sales", tag: "SALES" } });

    const list = json<{ id: string; tag: string }[]>(
      await postdesk(["division", "list", "--tenant", company.tenant.slug, "--json"]),
    );
    expect(list.map((d) => d.id)).toEqual([company.divisionId, created.id]);

    // Away from the defaults first, so that the example below visibly changes something.
    const away = json(
      await postdesk([
        "division", "set", "--division", created.id, "--send-confirmations", "no",
        "--automation-mode", "waiting-list", "--auto-close-days", "7", "--json",
      ]),
    );
    expect(away.settings).toMatchObject({ sendConfirmations: false, automationMode: "waiting_list", autoCloseDays: 7 });

    const set = await postdesk([
      "division", "set", "--division", created.id, "--language", "pl", "--send-confirmations", "true",
      "--automation-mode", "convert-and-register", "--auto-close-days", "-1", "--spam-domains", "a.test,b.test",
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/^Updated --language, --automation-mode, --send-confirmations/);

    const shown = json(await postdesk(["division", "show", "--division", created.id, "--json"]));
    expect(shown.settings).toMatchObject({
      name: "Sales",
      language: "pl",
      sendConfirmations: true,
      automationMode: "convert_and_register",
      autoCloseDays: -1,
      spamDomains: ["a.test", "b.test"],
      pollIntervalMinutes: 1,
    });
    expect(Object.keys(shown.settings)).not.toContain("pgpPrivateKeyEnc");

    const human = await postdesk(["division", "show", "--division", created.id]);
    expect(human.stdout).toMatch(/^automation-mode +convert-and-register$/m);
    expect(human.stdout).toMatch(/^auto-close-days +-1 \(never\)$/m);
    expect(human.stdout).toMatch(/^spam-domains +a\.test,b\.test$/m);

    const cleared = json(
      await postdesk(["division", "set", "--division", created.id, "--auto-close-days", "none", "--json"]),
    );
    expect(cleared.settings.autoCloseDays).toBeNull();
  });

  it("refuses values the settings schema refuses, naming each option, and changes nothing", async () => {
    const company = await makeTenant(db, "Strict");
    const before = json(await postdesk(["division", "show", "--division", company.divisionId, "--json"]));

    const run = await postdesk([
      "division", "set", "--division", company.divisionId, "--language", "pl", "--poll-interval-minutes", "0",
      "--send-confirmations", "maybe", "--spam-domains", "a.test,not a domain",
    ]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("--poll-interval-minutes: must be a whole number between 1 and 1440");
    expect(run.stderr).toContain("--send-confirmations: must be true or false");
    expect(run.stderr).toContain("--spam-domains: must be domain names (example.com) or email addresses");

    const asJson = await postdesk([
      "division", "set", "--division", company.divisionId, "--automation-mode", "sometimes", "--json",
    ]);
    expect(asJson.code).toBe(2);
    expect(asJson.stdout).toBe("");
    expect(JSON.parse(asJson.stderr)).toEqual({
      error: {
        code: "invalid_input",
        message: "invalid input",
        fields: { "--automation-mode": ["must be one of: waiting-list, convert-known, convert-and-register"] },
      },
    });

    const after = json(await postdesk(["division", "show", "--division", company.divisionId, "--json"]));
    expect(after).toEqual(before);
  });

  it("rejects an unknown option by listing the valid ones", async () => {
    const run = await postdesk(["division", "set", "--division", crypto.randomUUID(), "--langauge", "pl"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option --langauge");
    expect(run.stderr).toContain("--language, --poll-interval-minutes");
  });

  it("says a division that does not exist is not found, and exits 1", async () => {
    for (const id of [crypto.randomUUID(), "not-a-uuid"]) {
      const show = await postdesk(["division", "show", "--division", id]);
      expect(show.code).toBe(1);
      expect(show.stderr).toContain("division not found");
    }
    const set = await postdesk(["division", "set", "--division", crypto.randomUUID(), "--language", "pl", "--json"]);
    expect(set.code).toBe(1);
    expect(set.stdout).toBe("");
    expect(JSON.parse(set.stderr).error.code).toBe("not_found");
  });
});

describe("postdesk --help", () => {
  it("explains every command without opening a database", async () => {
    const nowhere = { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" };
    const runs = await Promise.all(
      [[], ["division"], ["migrate"], ["tenant", "create"], ["division", "create"], ["division", "list"],
        ["division", "show"], ["division", "set"]].map((words) => postdesk([...words, "--help"], { env: nowhere })),
    );
    for (const run of runs) expect(run.code).toBe(0);
    expect(runs[0]!.stdout).toContain("division set");
    expect(runs.at(-1)!.stdout).toContain("--check-sender-on-subject-match true|false");
  });
});

describe("postdesk on the embedded database", () => {
  it("stops with a message naming the process that holds the database", async () => {
    const dataDir = tempDir();
    const holder = spawn("sleep", ["60"]);
    try {
      fs.writeFileSync(path.join(dataDir, "pglite.lock"), String(holder.pid));
      const run = await postdesk(["division", "list", "--tenant", "acme"], { env: embedded(dataDir) });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`in use by another Postdesk process (pid ${holder.pid})`);
      expect(run.stderr).toContain("DATABASE_URL");
      expect(fs.readFileSync(path.join(dataDir, "pglite.lock"), "utf8")).toBe(String(holder.pid));
      expect(fs.existsSync(path.join(dataDir, "pglite"))).toBe(false);
    } finally {
      holder.kill();
    }
  });

  it("migrates and creates a company in a new embedded database, then lets it go", { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const migrated = json(await postdesk(["migrate", "--json"], { env: embedded(dataDir) }));
    expect(migrated).toEqual({ migrated: true, database: `embedded, in ${dataDir}` });

    const tenant = json(
      await postdesk(
        ["tenant", "create", "--name", "Embedded Co", "--admin-email", "owner@embedded.test",
          "--admin-password", "Correct-Horse-9", "--locale", "pl", "--json"],
        { env: embedded(dataDir) },
      ),
    );
    expect(tenant).toMatchObject({ slug: "embedded-co", admin: { email: "owner@embedded.test" } });
    expect(fs.existsSync(path.join(dataDir, "pglite.lock"))).toBe(false);
  });
});
