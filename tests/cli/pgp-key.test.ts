import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import * as openpgp from "openpgp";
import { describe, expect, it } from "vitest";
import { divisions } from "../../db/schema";
import { postdesk } from "../setup/cli";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

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

    const wrong = await postdesk(
      ["division", "pgp-key", "--division", company.divisionId, "--key-file", file, "--passphrase-stdin"],
      { input: "nope\n" },
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("--key-file");

    const set = await postdesk(
      ["division", "pgp-key", "--division", company.divisionId, "--key-file", file, "--passphrase-stdin", "--json"],
      { input: "open sesame\n" },
    );
    expect(set.code, set.stderr).toBe(0);
    const { fingerprint } = JSON.parse(set.stdout) as { fingerprint: string };
    expect(fingerprint).toMatch(/^[0-9A-F]{40,64}$/);
    expect(set.stdout).not.toContain("PRIVATE KEY");

    const [row] = await db.select().from(divisions).where(eq(divisions.id, company.divisionId));
    expect(row?.pgpPrivateKeyEnc).toMatch(/^v1\./);
    expect(row?.pgpPassphraseEnc).toMatch(/^v1\./);
    expect(row?.pgpPassphraseEnc).not.toContain("sesame");

    expect((await postdesk(["division", "pgp-key", "--division", company.divisionId, "--passphrase", "x"])).code).toBe(2);
    expect((await postdesk(["division", "pgp-key", "--division", company.divisionId, "--clear"])).code).toBe(0);
    const [cleared] = await db.select().from(divisions).where(eq(divisions.id, company.divisionId));
    expect(cleared?.pgpPrivateKeyEnc).toBeNull();
  }, 60_000);
});
