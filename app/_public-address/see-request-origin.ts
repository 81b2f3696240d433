import { headers } from "next/headers";
import { getDb } from "@/db";
import { recordRequestOrigin, requestOriginOf } from "@/lib/app-url";

/**
 * The origin this request came to, which becomes the public address for links in mail when it is
 * the first one seen and nothing is configured (lib/app-url.ts). Called where the web app is first
 * met (the company's pages, signing up, "forgot password") and where links are shown or compared.
 */
export async function seeRequestOrigin(): Promise<string | null> {
  const origin = requestOriginOf(await headers());
  await recordRequestOrigin(await getDb(), origin);
  return origin;
}
