import crypto from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { contacts } from "@/db/schema";
import { operatorScope, withTenant } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { deriveKey, secretKeys } from "@/lib/secrets";

/**
 * The personal unsubscribe link of a mass mail names one contact of one tenant. The token is
 * `base64url(contact id ‖ tenant id ‖ MAC)`: the two UUIDs as their 16 bytes each, then the first
 * 16 bytes of an HMAC-SHA256 over them. Nothing is stored, so a link in a mail years old still works,
 * and a changed id finds nothing.
 */

const ID_BYTES = 16;
const MAC_BYTES = 16;
const TOKEN_BYTES = 2 * ID_BYTES + MAC_BYTES;

function uuidBytes(id: string): Buffer {
  const hex = id.replace(/-/g, "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`Not a UUID: ${id}`);
  return Buffer.from(hex, "hex");
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function mac(key: string, ids: Buffer): Buffer {
  return crypto.createHmac("sha256", Buffer.from(key, "base64url")).update(ids).digest().subarray(0, MAC_BYTES);
}

export function unsubscribeToken(contact: { id: string; tenantId: string }): string {
  const ids = Buffer.concat([uuidBytes(contact.id), uuidBytes(contact.tenantId)]);
  return Buffer.concat([ids, mac(deriveKey("unsubscribe"), ids)]).toString("base64url");
}

/** The contact a token names, or null when it is malformed or its signature does not hold. */
export function readUnsubscribeToken(token: string): { tenantId: string; contactId: string } | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const bytes = Buffer.from(token, "base64url");
  if (bytes.length !== TOKEN_BYTES) return null;
  const ids = bytes.subarray(0, 2 * ID_BYTES);
  const given = bytes.subarray(2 * ID_BYTES);
  // Every key, not only the current one: links in mail sent before a key rotation keep working.
  const valid = secretKeys().some((key) =>
    crypto.timingSafeEqual(mac(deriveKey("unsubscribe", [key]), ids), given),
  );
  if (!valid) return null;
  return { contactId: uuidOf(ids.subarray(0, ID_BYTES)), tenantId: uuidOf(ids.subarray(ID_BYTES)) };
}

/**
 * Unsubscribes the contact a token names, without a session: the token is the authority, and the
 * work runs bound to the token's tenant. Idempotent: a second click keeps the first date. False when
 * the token is invalid or its contact is gone.
 */
export async function unsubscribeContact(db: Database, token: string, now = new Date()): Promise<boolean> {
  const named = readUnsubscribeToken(token);
  if (!named) return false;
  return withTenant(db, named.tenantId, async (tx) => {
    const scope = operatorScope(named.tenantId);
    const [changed] = await tx
      .update(contacts)
      .set({ unsubscribedAt: now })
      .where(and(eq(contacts.tenantId, named.tenantId), eq(contacts.id, named.contactId), isNull(contacts.unsubscribedAt)))
      .returning({ id: contacts.id });
    if (changed) {
      await recordAudit(tx, scope, "contact.unsubscribed", { type: "contact", id: changed.id });
      return true;
    }
    const [existing] = await tx
      .select({ id: contacts.id })
      .from(contacts)
      .where(and(eq(contacts.tenantId, named.tenantId), eq(contacts.id, named.contactId)));
    return Boolean(existing);
  });
}
