import { notFound } from "next/navigation";
import { z } from "zod";
import type { Transaction } from "@/db/client";
import type { TenantRequest } from "@/lib/auth/request";
import { NotFoundError } from "@/lib/errors";

const uuid = z.uuid();

/**
 * A page's reads of what the ids in its URL name: an id that is malformed, or names nothing in this
 * tenant (the same thing, seen from outside), is a 404.
 */
export async function readOrNotFound<T>(
  run: TenantRequest["run"],
  ids: string[],
  read: (tx: Transaction) => Promise<T>,
): Promise<T> {
  if (!ids.every((id) => uuid.safeParse(id).success)) notFound();
  const found = await run(async (tx) => {
    try {
      return { value: await read(tx) };
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  });
  if (!found) notFound();
  return found.value;
}
