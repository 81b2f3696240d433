import crypto from "node:crypto";
import { generateSecret, generateURI, verifySync } from "otplib";

/**
 * The pure part of two-step verification: time-based codes (RFC 6238: HMAC-SHA1, 6 digits, 30 s
 * steps, as every authenticator app expects) and one-time recovery codes. No database, no clock:
 * `now` is passed in.
 */

export const TOTP_PERIOD_SECONDS = 30;
/** A code of the step before or after the current one is accepted too: clocks drift, people type slowly. */
export const TOTP_WINDOW_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;

/** A new secret in base32, 20 random bytes (RFC 4226 recommends 160 bits). */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// address an authenticator app reads from the QR code: the account and who issued it. */
export function totpUri(secret: string, account: string, issuer = "Postdesk"): string {
  return generateURI({ issuer, label: account, secret, period: TOTP_PERIOD_SECONDS });
}

/** What the user typed, without the spaces and dashes apps and people put in; lower case. */
export function normalizeCode(input: string): string {
  return input.replace(/[\s-]/g, "").toLowerCase();
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: "wrong" | "reused" };

/**
 * Whether `code` is the secret's code for a step within the window around `now`, and not of a step
 * already used: a code seen once (over a shoulder, by a phishing proxy) must not open a second
 * session. `lastStep`: the step of the last code accepted, if any. The step it matched is returned,
 * to be stored as the new `lastStep`.
 */
export function checkTotpCode(secret: string, code: string, now: Date, lastStep: number | null): TotpCheck {
  const token = normalizeCode(code);
  if (!/^\d{6}$/.test(token)) return { ok: false, reason: "wrong" };
  const epoch = Math.floor(now.getTime() / 1000);
  const result = verifySync({
    secret,
    token,
    period: TOTP_PERIOD_SECONDS,
    epoch,
    epochTolerance: TOTP_WINDOW_STEPS * TOTP_PERIOD_SECONDS,
  });
  if (!result.valid) return { ok: false, reason: "wrong" };
  // `delta`: how many steps before (negative) or after the current one the code matched.
  const step = Math.floor(epoch / TOTP_PERIOD_SECONDS) + result.delta;
  return lastStep !== null && step <= lastStep ? { ok: false, reason: "reused" } : { ok: true, step };
}

// Crockford's base32 without the letters people confuse (i, l, o, u): a code is read off paper.
const RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/** Ten codes of 10 characters (50 random bits each), shown as `xxxxx-xxxxx`. */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const bytes = crypto.randomBytes(10);
    const chars = Array.from(bytes, (byte) => RECOVERY_ALPHABET[byte & 31]).join("");
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** Whether the input has the shape of a recovery code rather than a six-digit code. */
export function looksLikeRecoveryCode(input: string): boolean {
  return new RegExp(`^[${RECOVERY_ALPHABET}]{10}$`).test(normalizeCode(input));
}

/** What is stored of a recovery code: its SHA-256, over the normalized form so that dashes and case do not matter. */
export function hashRecoveryCode(code: string): string {
  return crypto.createHash("sha256").update(normalizeCode(code)).digest("hex");
}
