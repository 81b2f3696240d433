import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { divisions } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { RuleError } from "@/lib/errors";
import { describePgpKey } from "@/lib/mail/pgp";
import type { TenantScope } from "@/db/tenant";
import { openSecret, sealSecret } from "@/lib/secrets";
import { getDivision } from "./divisions";

/**
 * The private key a division decrypts PGP mail with, and its passphrase, both sealed at rest. The key
 * is checked (read and unlocked) before it is kept, so a typo shows now rather than on the first
 * encrypted mail. Returns the key's fingerprint, which is all that is ever shown of it.
 */
export async function setDivisionPgpKey(
  tx: Executor,
  scope: TenantScope,
  divisionId: string,
  input: { armoredPrivateKey: string; passphrase: string | null },
): Promise<{ fingerprint: string }> {
  await getDivision(tx, scope, divisionId);
  const checked = await describePgpKey(input);
  if (!checked.ok) throw new RuleError("invalidInput", { armoredPrivateKey: ["pgpKeyUnusable"] });
  await tx
    .update(divisions)
    .set({
      pgpPrivateKeyEnc: sealSecret(input.armoredPrivateKey),
      pgpPassphraseEnc: input.passphrase ? sealSecret(input.passphrase) : null,
      updatedAt: new Date(),
    })
    .where(and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, divisionId)));
  await recordAudit(tx, scope, "division.pgp_key_set", { type: "division", id: divisionId }, {
    fingerprint: checked.fingerprint,
  });
  return { fingerprint: checked.fingerprint };
}

export async function clearDivisionPgpKey(tx: Executor, scope: TenantScope, divisionId: string): Promise<void> {
  await getDivision(tx, scope, divisionId);
  await tx
    .update(divisions)
    .set({ pgpPrivateKeyEnc: null, pgpPassphraseEnc: null, updatedAt: new Date() })
    .where(and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, divisionId)));
  await recordAudit(tx, scope, "division.pgp_key_cleared", { type: "division", id: divisionId });
}

/** The fingerprint of the division's key, or null when it has none. */
export async function divisionPgpFingerprint(tx: Executor, scope: TenantScope, divisionId: string): Promise<string | null> {
  const division = await getDivision(tx, scope, divisionId);
  if (!division.pgpPrivateKeyEnc) return null;
  const checked = await describePgpKey({
    armoredPrivateKey: openSecret(division.pgpPrivateKeyEnc),
    passphrase: division.pgpPassphraseEnc ? openSecret(division.pgpPassphraseEnc) : null,
  });
  return checked.ok ? checked.fingerprint : null;
}
