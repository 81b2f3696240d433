import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "./client";

/** Values up to this size go as one parameter; bigger ones a slice of this size at a time. */
export const BYTEA_SLICE = 1024 * 1024;

/**
 * A bytea value for one INSERT or UPDATE in `tx`, sent in bounded memory. postgres.js sends a
 * parameter as text (db/bytea-parameter.ts) assembled whole in its write buffer: for a 23 MB
 * attachment, 46 MB of hex and 46 MB more of buffer. A value bigger than a slice is therefore
 * written a slice at a time into a large object (lo_from_bytea, lo_put), which the statement reads
 * back on the server (`value` is `lo_get(oid)`); `release` unlinks it. Made and unlinked in the one
 * transaction, the large object is never seen outside it, and a rollback leaves nothing behind.
 */
export async function largeBytea(
  tx: Executor,
  bytes: Buffer,
): Promise<{ value: Buffer | SQL; release: () => Promise<void> }> {
  if (bytes.length <= BYTEA_SLICE) return { value: bytes, release: async () => {} };
  const [created] = await tx
    .select({ oid: sql<number>`lo_from_bytea(0, ${bytes.subarray(0, BYTEA_SLICE)})`.mapWith(Number) })
    .from(sql`(select) as one_row`);
  const oid = created!.oid;
  for (let at = BYTEA_SLICE; at < bytes.length; at += BYTEA_SLICE) {
    await tx.execute(sql`select lo_put(${oid}::oid, ${at}, ${bytes.subarray(at, at + BYTEA_SLICE)})`);
  }
  return {
    value: sql`lo_get(${oid}::oid)`,
    release: async () => {
      await tx.execute(sql`select lo_unlink(${oid}::oid)`);
    },
  };
}
