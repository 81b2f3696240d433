import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import { divisions, mailboxes } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { createInvite } from "../../lib/members/invites";
import { startConnect } from "../../lib/mailboxes/oauth-connect";
import { connectAccount } from "../../lib/mailboxes/oauth-tokens";
import { parseSecretKeys, sealSecret } from "../../lib/secrets";
import { makeTenant, testDatabase } from "../setup/db";

const db = await testDatabase();

const PG_DUMP = "/usr/bin/pg_dump";

async function dumpDatabase(): Promise<string> {
  if (!fs.existsSync(PG_DUMP)) {
    throw new Error("pg_dump is missing: run `apt-get install -y postgresql-client`");
  }
  const { stdout } = await promisify(execFile)(PG_DUMP, ["--no-owner", inject("databaseUrl")], {
    maxBuffer: 512 * 1024 * 1024,
  });
  return stdout;
}

/**
 * How it was checked that this bites: with a mailbox's processed folder set to the PGP key's plaintext,
 * the test fails naming `pgpPrivateKey`.
 */
describe("a dump of the database", () => {
  it("holds no secret in plaintext, only sealed values and hashes", async () => {
    const marker = crypto.randomBytes(6).toString("hex");
    const { tenant, user, divisionId, password } = await makeTenant(db, "Dumped");
    const plaintexts = {
      adminPassword: password,
      mailboxPassword: `mailbox-password-${marker}`,
      smtpPassword: `smtp-password-${marker}`,
      accessToken: `ya29.access-token-${marker}`,
      refreshToken: `1//refresh-token-${marker}`,
      pgpPrivateKey: `-----BEGIN PGP PRIVATE KEY BLOCK-----\nprivate-key-${marker}\n-----END PGP PRIVATE KEY BLOCK-----`,
      pgpPassphrase: `pgp-passphrase-${marker}`,
    };
    const sealed = {
      password: sealSecret(plaintexts.mailboxPassword),
      smtpPassword: sealSecret(plaintexts.smtpPassword),
      pgpPrivateKey: sealSecret(plaintexts.pgpPrivateKey),
      pgpPassphrase: sealSecret(plaintexts.pgpPassphrase),
    };
    const scope = { tenantId: tenant.id, userId: user.id, role: "owner" as const };
    const { token, connectUrl } = await withTenant(db, tenant.id, async (tx) => {
      const [mailbox] = await tx.insert(mailboxes).values({
        tenantId: tenant.id,
        divisionId,
        name: "Support",
        address: `support-${marker}@dumped.test`,
        protocol: "imap",
        host: "imap.dumped.test",
        port: 993,
        security: "tls",
        username: `support-${marker}@dumped.test`,
        passwordEnc: sealed.password,
        smtpHost: "smtp.dumped.test",
        smtpPort: 465,
        smtpSecurity: "tls",
        smtpSameCredentials: false,
        smtpUsername: `smtp-${marker}`,
        smtpPasswordEnc: sealed.smtpPassword,
      }).returning();
      // The account connected as the connect flow stores it, and a second "Connect with Google" in flight.
      await connectAccount(tx, scope, {
        mailboxId: mailbox!.id,
        provider: "google",
        tokens: { accessToken: plaintexts.accessToken, refreshToken: plaintexts.refreshToken, expiresAt: new Date() },
        account: `support-${marker}@dumped.test`,
        now: new Date(),
      });
      const { url } = await startConnect(
        tx,
        scope,
        { mailboxId: mailbox!.id, provider: "google", redirectUri: "https://desk.dumped.test/api/oauth/callback", now: new Date() },
        { env: { POSTDESK_OAUTH_GOOGLE_CLIENT_ID: "client.apps.googleusercontent.com", POSTDESK_OAUTH_GOOGLE_CLIENT_SECRET: "GOCSPX-secret" } },
      );
      await tx
        .update(divisions)
        .set({ pgpPrivateKeyEnc: sealed.pgpPrivateKey, pgpPassphraseEnc: sealed.pgpPassphrase })
        .where(eq(divisions.id, divisionId));
      const invite = await createInvite(tx, scope, { email: `invitee-${marker}@dumped.test`, role: "agent" });
      return { ...invite, connectUrl: new URL(url) };
    });
    // What only the browser and the provider may know of the request: its state and nonce.
    const connectState = connectUrl.searchParams.get("state")!;
    const connectNonce = connectUrl.searchParams.get("nonce")!;

    const dump = await dumpDatabase();

    // The dump is of this database: the rows written above are in it.
    expect(dump).toContain(`support-${marker}@dumped.test`);
    for (const value of Object.values(sealed)) expect(dump).toContain(value);
    expect(dump).toContain(crypto.createHash("sha256").update(token).digest("hex"));
    expect(dump).toContain(crypto.createHash("sha256").update(connectState).digest("hex"));

    // COPY escapes a new line as `\n`, so a multi-line secret is looked for line by line too.
    const leaks = Object.entries({ ...plaintexts, inviteToken: token, connectState, connectNonce }).filter(([, secret]) =>
      [secret, ...secret.split("\n").filter((line) => line.includes(marker))].some((part) => dump.includes(part)),
    );
    expect(leaks.map(([name]) => name)).toEqual([]);
    for (const key of parseSecretKeys(process.env.POSTDESK_SECRET_KEY!)) {
      expect(dump).not.toContain(key.key.toString("base64"));
      expect(dump).not.toContain(key.key.toString("hex"));
      expect(dump).not.toContain(key.key.toString("base64url"));
    }
  });
});
