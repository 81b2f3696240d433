import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { instanceSettings } from "@/db/schema";

/**
 * Links in mail we send (a ticket for staff, an unsubscribe page for customers, a sign-up or
 * password-reset link) need the app's public address, and background work has no request to take
 * it from. So, in this order:
 * 1. configured: POSTDESK_URL, else NEXTAUTH_URL;
 * 2. first seen: the origin of the first request the web app saw, kept in `instance_settings`, so
 *    that the worker (another process, or Trigger.dev) reads it too;
 * 3. fallback: where `npm start` listens by default, http://localhost:PORT (3000).
 * A stored origin is never overwritten by a later request, with one exception: a loopback origin
 * (localhost, 127.x, [::1]) gives way to the first public one, since trying the app on the machine
 * itself before opening it to others is the usual first step. Anything else takes POSTDESK_URL.
 */

export type PublicAddressSource = "configured" | "firstSeen" | "fallback";

export interface PublicAddress {
  /** An origin: scheme, host and port, no path and no trailing slash. */
  origin: string;
  source: PublicAddressSource;
}

type Env = Readonly<Record<string, string | undefined>>;

export function decidePublicAddress(env: Env, stored: string | null): PublicAddress {
  const configured = env.POSTDESK_URL?.trim() || env.NEXTAUTH_URL?.trim();
  // A configured address may carry a path (a proxy's sub-folder): keep it, without a trailing slash.
  if (configured) return { origin: configured.replace(/\/+$/, ""), source: "configured" };
  if (stored) return { origin: stored, source: "firstSeen" };
  return { origin: `http://localhost:${env.PORT || 3000}`, source: "fallback" };
}

/**
 * What a person should hear about the address links in mail use, seen from a page they opened:
 * - `differs`: the page was opened at another origin (a link in mail would lead elsewhere);
 * - `loopback`: the links lead to this machine itself, while the page was not (said instead of
 *   `differs`: the fix is the same, the reason plainer);
 * - `insecure`: plain http to a host that is not this machine (links readable and changeable on
 *   the way).
 */
export type PublicAddressWarning = "differs" | "loopback" | "insecure";

export function publicAddressWarnings(address: string, requestOrigin: string | null): PublicAddressWarning[] {
  const url = parsedUrl(address);
  if (!url) return ["differs"];
  const warnings: PublicAddressWarning[] = [];
  const request = requestOrigin ? parsedUrl(requestOrigin) : null;
  if (request && url.origin !== request.origin) {
    warnings.push(isLoopbackHost(url.hostname) && !isLoopbackHost(request.hostname) ? "loopback" : "differs");
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) warnings.push("insecure");
  return warnings;
}

/** Whether a request seen from `seen` should become the stored origin. */
export function shouldRecordOrigin(stored: string | null, seen: string): boolean {
  if (stored === null) return true;
  if (stored === seen) return false;
  const storedUrl = parsedUrl(stored);
  const seenUrl = parsedUrl(seen);
  return !storedUrl || (!!seenUrl && isLoopbackHost(storedUrl.hostname) && !isLoopbackHost(seenUrl.hostname));
}

/**
 * The origin a browser used, from its request's headers: X-Forwarded-Host and X-Forwarded-Proto
 * when a proxy (or Next.js itself) set them, else Host over http. Null when they name no valid
 * http(s) origin.
 */
export function requestOriginOf(headers: { get(name: string): string | null }): string | null {
  const host = firstValue(headers.get("x-forwarded-host")) ?? firstValue(headers.get("host"));
  const proto = firstValue(headers.get("x-forwarded-proto"))?.toLowerCase() ?? "http";
  // A host header is a host and a port, nothing that would make the URL mean another place.
  if (!host || /[/\\@?#\s]/.test(host) || (proto !== "http" && proto !== "https")) return null;
  return parsedUrl(`${proto}://${host}`)?.origin ?? null;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === "localhost" || host.endsWith(".localhost") || /^127\.\d+\.\d+\.\d+$/.test(host) || host === "[::1]"
  );
}

function firstValue(header: string | null): string | null {
  return header?.split(",")[0]?.trim() || null;
}

function parsedUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

const ORIGIN_KEY = "public_origin";
/** How long a process trusts the stored origin it read: a web process that stores one changes it at once. */
const STORED_ORIGIN_TTL_MS = 60_000;

// On globalThis, as the database handle is (db/index.ts): Next.js may load this module more than
// once in one process (instrumentation, pages, route handlers), and they must share what was read.
const memory = globalThis as unknown as { postdeskStoredOrigin?: { origin: string | null; readAt: number } };

/** The public address in use now, by what this process last read of the stored origin. */
export function publicAddress(env: Env = process.env): PublicAddress {
  return decidePublicAddress(env, memory.postdeskStoredOrigin?.origin ?? null);
}

export function appUrl(path: string): string {
  return `${publicAddress().origin}${path.startsWith("/") ? path : `/${path}`}`;
}

/**
 * Reads the stored origin into this process, unless it was read within the last minute. Every
 * entry point without a request calls it before work that may write links (the worker's ticks, the
 * CLI, Trigger.dev tasks), and the web app when it starts, so `appUrl` stays a plain function.
 * Outside any tenant's transaction: the table is not tenant data, and the app role cannot read it.
 */
export async function loadStoredOrigin(db: Database, now: number = Date.now()): Promise<void> {
  const read = memory.postdeskStoredOrigin;
  if (read && now - read.readAt < STORED_ORIGIN_TTL_MS) return;
  memory.postdeskStoredOrigin = { origin: await readStoredOrigin(db), readAt: now };
}

/**
 * The web app's side: a request arrived from `seen`. Stores it when nothing is configured and it is
 * the first origin seen (or the first public one after loopback ones), and keeps this process's copy
 * current. Cheap on every request: the database is written at most once or twice in the app's life.
 */
export async function recordRequestOrigin(db: Database, seen: string | null, env: Env = process.env): Promise<void> {
  await loadStoredOrigin(db);
  if (!seen || decidePublicAddress(env, null).source === "configured") return;
  const stored = memory.postdeskStoredOrigin?.origin ?? null;
  if (!shouldRecordOrigin(stored, seen)) return;
  if (stored === null) {
    await db.insert(instanceSettings).values({ key: ORIGIN_KEY, value: seen }).onConflictDoNothing();
  } else {
    // Only over the loopback origin read: a request of another process may have replaced it already.
    await db
      .update(instanceSettings)
      .set({ value: seen, updatedAt: new Date() })
      .where(and(eq(instanceSettings.key, ORIGIN_KEY), eq(instanceSettings.value, stored)));
  }
  // Whoever won, read what is stored now.
  memory.postdeskStoredOrigin = { origin: await readStoredOrigin(db), readAt: Date.now() };
}

async function readStoredOrigin(db: Database): Promise<string | null> {
  const [row] = await db
    .select({ value: instanceSettings.value })
    .from(instanceSettings)
    .where(eq(instanceSettings.key, ORIGIN_KEY));
  return row?.value ?? null;
}

export function ticketPath(locale: string, tenantSlug: string, ticketId: string): string {
  return `/${locale}/${tenantSlug}/tickets/${ticketId}`;
}

/** A company's public help center (lib/knowledge/help-center.ts), in one language. */
export function helpCenterPath(locale: string, tenantSlug: string): string {
  return `/${locale}/help/${tenantSlug}`;
}

/** A published article in the help center. */
export function helpCenterArticlePath(locale: string, tenantSlug: string, articleSlug: string): string {
  return `${helpCenterPath(locale, tenantSlug)}/${articleSlug}`;
}
