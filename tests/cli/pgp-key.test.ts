import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import * as openpgp from "openpgp";
import { describe, expect, inject, it } from "vitest";
import { divisions } from "../../db/schema";
import { makeTenant, testDatabase } from "../setup/db";

const root = path.resolve(import.meta.dirname, "../..");
const db = await testDatabase();

function postdesk(args: string[], input = "") {
  return spawnSync(process.execPath, [path.join(root, "bin", "postdesk.mjs"), ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: inject("databaseUrl") },
    input,
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("postdesk division pgp-key", () => {
  it("keeps a key that unlocks with the piped passphrase, sealed, and shows only its fingerprint", async () => {
    const company = await makeTenant(db, "Crypto");
    const { privateKey } = await openpgp.generateKey({
      type: "curve25519",
      userIDs: [{ email: "support@crypto.test" }],
      passphrase: "open sesame",
      format: "armored",
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "postdesk-pgp-")), "key.asc");
    fs.writeFileSync(file, privateKey);

    const wrong = postdesk(["division", "pgp-key", "--division", company.divisionId, "--key-file", file, "--passphrase-stdin"], "nope\n");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("--key-file");

    const set = postdesk(
      ["division", "pgp-key", "--division", company.divisionId, "--key-file", file, "--passphrase-stdin", "--json"],
      "open sesame\n",
    );
    expect(set.status, set.stderr).toBe(0);
    const { fingerprint } = JSON.parse(set.stdout) as { fingerprint: string };
    expect(fingerprint).toMatch(/^[0-9A-F]{40,64}$/);
    expect(set.stdout).not.toContain("PRIVATE KEY");

    const [row] = await db.select().from(divisions).where(eq(divisions.id, company.divisionId));
    expect(row?.pgpPrivateKeyEnc).toMatch(/^v1\./);
    expect(row?.pgpPassphraseEnc).toMatch(/^v1\./);
    expect(row?.pgpPassphraseEnc).not.toContain("sesame");

    expect(postdesk(["division", "pgp-key", "--division", company.divisionId, "--passphrase", "x"]).status).toBe(2);
    expect(postdesk(["division", "pgp-key", "--division", company.divisionId, "--clear"]).status).toBe(0);
    const [cleared] = await db.select().from(divisions).where(eq(divisions.id, company.divisionId));
    expect(cleared?.pgpPrivateKeyEnc).toBeNull();
  }, 60_000);
});
