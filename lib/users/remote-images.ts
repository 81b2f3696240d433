import { and, eq, inArray } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { remoteImageSenders } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/**
 * The senders whose remote images a member always sees ("always for this sender"): a member's own
 * choice, in one company. Addresses are compared lower-cased.
 */
export async function sendersWithImages(
  tx: Executor,
  scope: TenantScope,
  input: { userId: string; addresses: string[] },
): Promise<Set<string>> {
  const addresses = [...new Set(input.addresses.map((address) => address.toLowerCase()))];
  if (addresses.length === 0) return new Set();
  const rows = await tx
    .select({ address: remoteImageSenders.address })
    .from(remoteImageSenders)
    .where(
      and(
        eq(remoteImageSenders.tenantId, scope.tenantId),
        eq(remoteImageSenders.userId, input.userId),
        inArray(remoteImageSenders.address, addresses),
      ),
    );
  return new Set(rows.map((row) => row.address));
}

/** From now on this member sees remote images in this sender's mail; saying it twice is a no-op. */
export async function alwaysShowImagesFrom(
  tx: Executor,
  scope: TenantScope,
  input: { userId: string; address: string },
): Promise<void> {
  await tx
    .insert(remoteImageSenders)
    .values({ tenantId: scope.tenantId, userId: input.userId, address: input.address.toLowerCase() })
    .onConflictDoNothing();
}
