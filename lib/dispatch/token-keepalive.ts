import { and, asc, eq, lt, ne } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mailboxes } from "@/db/schema";
import { classifyMailError } from "@/lib/mail/connection-error";
import { signInToken } from "@/lib/mailboxes/oauth-tokens";
import { loadMailbox } from "./poll";
import { recordPollFailure } from "./poll-state";

/**
 * Keeps the OAuth2 grants of quiet mailboxes alive. A polled mailbox refreshes its access token every
 * hour or so; one that is not polled (paused, its division's dispatcher off) would leave its refresh
 * token unused until the provider lets it die (Microsoft after 90 days idle). So a grant unused for a
 * week is refreshed here; one found gone is recorded as a poll's failure would be (needsReconnect),
 * and the pages say so before anyone needs the mailbox.
 */

export const KEEPALIVE_AFTER_MS = 7 * 24 * 60 * 60_000;

export interface KeepaliveSummary {
  refreshed: number;
  /** Mailboxes whose grant is gone, or whose provider could not refresh now: by id, with why. */
  failed: { mailboxId: string; failure: string }[];
}

export async function keepTokensAlive(db: Database, input: { now: Date }): Promise<KeepaliveSummary> {
  // The access token's expiry stands for the last refresh: it is set an hour or so after it.
  const quiet = await db
    .select({ tenantId: mailboxes.tenantId, mailboxId: mailboxes.id })
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.authKind, "oauth2"),
        ne(mailboxes.connectionState, "needsReconnect"),
        lt(mailboxes.oauthExpiresAt, new Date(input.now.getTime() - KEEPALIVE_AFTER_MS)),
      ),
    )
    .orderBy(asc(mailboxes.oauthExpiresAt));
  const summary: KeepaliveSummary = { refreshed: 0, failed: [] };
  for (const ref of quiet) {
    const mailbox = await loadMailbox(db, ref);
    try {
      await signInToken(db, mailbox, { now: () => input.now });
      summary.refreshed++;
    } catch (error) {
      const { failure, detail } = classifyMailError(error);
      await recordPollFailure(db, mailbox, { code: failure, detail, now: input.now });
      summary.failed.push({ mailboxId: mailbox.id, failure });
    }
  }
  return summary;
}
