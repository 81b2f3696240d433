import type { SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";

/**
 * The rows of one raw statement, whichever driver runs it: postgres.js hands back an array, PGlite
 * an object holding `rows`. The figures return text, integers and doubles only (timestamps as ISO
 * text), which both drivers read alike.
 */
export async function selectRows<Row>(tx: Executor, query: SQL): Promise<Row[]> {
  const result: unknown = await tx.execute(query);
  return (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
}
