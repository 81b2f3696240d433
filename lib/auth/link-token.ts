import crypto from "node:crypto";

/**
 * The secret of a link we hand out (an invitation, a sign-up's or a password reset's): 192 random
 * bits in the URL. Only its SHA-256 is stored, so a copy of the database opens none of them.
 */
export function newLinkToken(): { token: string; tokenHash: string } {
  const token = crypto.randomBytes(24).toString("base64url");
  return { token, tokenHash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}
