import crypto from "node:crypto";
import { deriveKey } from "@/lib/secrets";

/**
 * A known device: after a password sign-in the browser gets a long-lived cookie naming a device id,
 * signed together with the account it signed in to. Attempts for that account carrying it are
 * throttled by the device's own count, not the account's, so a stranger's guesses cannot keep the
 * owner out of their usual browser. The cookie holds no email: it is checked against the address
 * being signed in to. One account per browser: the last one signed in.
 */

export const DEVICE_COOKIE = "postdesk-device";
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

function mac(deviceId: string, email: string): string {
  return crypto
    .createHmac("sha256", Buffer.from(deriveKey("sign-in-device"), "base64url"))
    .update(`${deviceId}\n${email}`)
    .digest("base64url");
}

/** The cookie's value for a device (a new one when `deviceId` is null) and a normalized email. */
export function deviceCookieValue(deviceId: string | null, email: string): string {
  const id = deviceId ?? crypto.randomBytes(16).toString("base64url");
  return `${id}.${mac(id, email)}`;
}

/** The device id the cookie names, when it was issued for this normalized email; otherwise null. */
export function knownDevice(cookie: string | undefined, email: string): string | null {
  const [id, signature, ...rest] = (cookie ?? "").split(".");
  if (!id || !signature || rest.length > 0) return null;
  const expected = Buffer.from(mac(id, email));
  const given = Buffer.from(signature);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? id : null;
}
