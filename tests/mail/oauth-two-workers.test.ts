import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inboundEmails, mailboxes, outbox, tickets } from "../../db/schema";
import { connectAccount, openTokens } from "../../lib/mailboxes/oauth-tokens";
import { authorizationRequest, exchangeCode, refreshTokens } from "../../lib/oauth/client";
import { registrationOf } from "../../lib/oauth/providers";
import { replyToTicket } from "../../lib/tickets/reply";
import { repoRoot } from "../setup/cli";
import { ownDatabase } from "../setup/db";
import type { Dovecot } from "../setup/dovecot";
import { type OAuthMailStack, startOAuthMailStack } from "../setup/oauth-mail-stack";
import type { OAuthProvider } from "../setup/oauth-provider";
import { outboundDesk } from "../setup/outbound-desk";
import type { SmtpSink } from "../setup/smtp-sink";
import { until } from "../setup/until";
import { plainMail } from "./sample-mail";

/**
 * "Two workers due at the same moment refresh once", with two `postdesk worker` processes against
 * one Postgres, a real OAuth provider that rotates refresh tokens (and revokes the grant when a
 * rotated one is replayed), Dovecot and an SMTP server that check every access token with it.
 *
 * Why the workers do different things: a mailbox is leased to one worker at a time, so two workers
 * never poll it together, and the lease alone would keep a second poll from refreshing. What two
 * processes do need at once is the mailbox's token for different work: one polls the mailbox, the
 * other sends a queued reply from it over SMTP (the outbox is sent by every worker's "send" chore,
 * whoever holds the mailbox). Both find the access token expired and must refresh.
 *
 * Why they need it at the same moment, not one after the other: the test holds the per-mailbox
 * advisory lock that accessTokenFor takes (lib/mailboxes/oauth-tokens.ts) while the workers start,
 * and lets go only once Postgres shows one session of each worker process blocked on it, the
 * lease holder's poll and the other's send, both past the decision to ask for the token. Released
 * together, exactly one may refresh; the other must find the rotated tokens the first stored. A
 * second refresh would show at the provider (and, with the replayed refresh token, end the grant).
 */

/** The signed-in token runs out soon after the connect; refreshed ones last well past the refresh margin. */
const SIGN_IN_ACCESS_TOKEN_TTL_SECONDS = 2;
const REDIRECT_URI = "http://127.0.0.1:9/oauth/callback";
const WORKERS = ["postdesk-worker-a", "postdesk-worker-b"] as const;

const { db, url } = await ownDatabase();
let stack: OAuthMailStack | undefined;
let provider: OAuthProvider;
let dovecot: Dovecot;
let sink: SmtpSink;
let caFile: string;
const running: RunningWorker[] = [];

beforeAll(async () => {
  stack = await startOAuthMailStack({ redirectUris: [REDIRECT_URI], signInAccessTokenTtlSeconds: SIGN_IN_ACCESS_TOKEN_TTL_SECONDS });
  ({ provider, dovecot, sink, caFile } = stack);
}, 60_000);
afterAll(async () => {
  for (const worker of running) worker.child.kill("SIGKILL");
  await stack?.stop();
}, 30_000);

interface RunningWorker {
  name: string;
  child: ChildProcess;
  /** The worker's id (the lease owner), once it says it runs. */
  id: Promise<string>;
  events: Record<string, unknown>[];
  exited: Promise<number | null>;
  stderr: () => string;
}

/** A `postdesk worker` process whose database sessions carry `name` as their application_name. */
function runWorker(name: string): RunningWorker {
  const child = spawn(process.execPath, [path.join(repoRoot, "bin", "postdesk.mjs"), "worker", "--events", "--tick-ms", "200"], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: url, POSTDESK_MAIL_CA_FILE: caFile, PGAPPNAME: name },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const events: Record<string, unknown>[] = [];
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    const lines = stdout.split("\n");
    stdout = lines.pop()!;
    for (const line of lines) if (line.startsWith("{")) events.push(JSON.parse(line));
  });
  const id = new Promise<string>((resolve, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const said = /postdesk worker (\S+): running;/.exec(stderr);
      if (said) resolve(said[1]!);
    });
    child.once("exit", (code) => reject(new Error(`${name} exited (${code}) before it ran:\n${stderr}`)));
  });
  id.catch(() => {});
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const worker = { name, child, id, events, exited, stderr: () => stderr };
  running.push(worker);
  return worker;
}

const workersSaid = () => running.map((w) => `--- ${w.name} stderr ---\n${w.stderr().slice(-1500)}`).join("\n");

const registration = () => registrationOf(process.env, "oidc")!;

/** RFC 7662 introspection as `client` sees the token: a mail server for access tokens, Postdesk for its refresh tokens. */
async function isActive(token: string, client: { clientId: string; clientSecret: string }): Promise<boolean> {
  const response = await fetch(provider.introspection.introspectionUrl, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString("base64")}` },
    body: new URLSearchParams({ token }),
    signal: AbortSignal.timeout(5_000),
  });
  return ((await response.json()) as { active: boolean }).active;
}

/** A desk whose one IMAP mailbox (a Dovecot user) is connected through the provider, with no password. */
async function connectedDesk() {
  const desk = await outboundDesk(db, { tag: "OAUTH", sendConfirmations: false });
  const address = `support-${desk.tenantId.slice(0, 8)}@oauth.test`;
  await dovecot.addUser(address, `unused-${crypto.randomUUID()}`);
  const login = dovecot.login(address, "imap", "tls");
  const mailbox = await desk.addMailbox(address, {
    host: login.host,
    port: String(login.port),
    security: "tls",
    processedFolder: "Processed",
    smtpHost: sink.host,
    smtpPort: String(sink.port),
    smtpSecurity: "none",
    smtpAuthRequired: "on",
    smtpSameCredentials: "on",
  });
  const request = await authorizationRequest(registration(), { redirectUri: REDIRECT_URI, loginHint: address });
  const callbackUrl = await provider.authorizeHeadless(request.url, { email: address });
  const tokens = await exchangeCode(registration(), { callbackUrl, redirectUri: REDIRECT_URI, ...request });
  // Due for a poll at once (connectAccount sets it so).
  await desk.tx((tx) =>
    connectAccount(tx, desk.ownerScope, { mailboxId: mailbox.id, provider: "oidc", tokens, account: address, now: new Date() }),
  );
  return { desk, mailbox, address, tokens };
}

describe("two worker processes and one OAuth2 mailbox", () => {
  it(
    "refresh the expired token once when one polls the mailbox and the other sends from it at the same moment",
    async () => {
      const { desk, mailbox, address, tokens } = await connectedDesk();
      // A ticket answered before the token ran out: its reply waits in the outbox.
      await desk.receive(plainMail("Earlier question"));
      const answered = await desk.ticket(1);
      await desk.tx((tx) => replyToTicket(tx, desk.ownerScope, { ticketId: answered.id, text: "Our answer" }));
      const [reply] = await desk.outboxRows("reply");
      expect(reply).toMatchObject({ mailboxId: mailbox.id, status: "ready" });
      // And new mail waits in the mailbox.
      await dovecot.deliver(address, plainMail("Question after the token ran out"));
      await until(
        "the signed-in access token to run out at the provider",
        async () => !(await isActive(tokens.accessToken, provider.introspection)),
        (SIGN_IN_ACCESS_TOKEN_TTL_SECONDS + 5) * 1000,
      );
      expect(provider.tokenGrants().filter((g) => g.grantType === "refresh_token")).toEqual([]);

      const blocked = await db.transaction(async (gate) => {
        await gate.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`oauth:${mailbox.id}`}, 0))`);
        const [{ pid: gatePid }] = (await gate.execute(sql`select pg_backend_pid() as pid`)) as unknown as [{ pid: number }];
        for (const name of WORKERS) runWorker(name);
        const sessions = await until(
          "a session of each worker blocked on the mailbox's token lock (does accessTokenFor still take it?)",
          async () => {
            const rows = (await db.execute(sql`
              select application_name as name, query from pg_stat_activity
              where ${gatePid}::int = any(pg_blocking_pids(pid)) order by application_name`)) as unknown as { name: string; query: string }[];
            return rows.length >= 2 && WORKERS.every((name) => rows.some((row) => row.name === name)) && rows;
          },
          60_000,
          workersSaid,
        );
        // What each is doing while it waits: one holds the mailbox's lease (its poll), the other
        // process has claimed the reply for sending. Neither could have asked the provider yet.
        const [leased] = await db.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id));
        const [sending] = await db.select().from(outbox).where(eq(outbox.id, reply!.id));
        const ids = await Promise.all(running.map((w) => w.id));
        return { sessions, leaseOwner: leased!.leaseOwner, replyStatus: sending!.status, ids, grants: provider.tokenGrants() };
      });
      const releasedAt = Date.now();

      expect(blocked.sessions.map((s) => s.name)).toEqual([...WORKERS]);
      expect(blocked.sessions.every((s) => s.query.includes("pg_advisory_xact_lock"))).toBe(true);
      expect(blocked.ids).toContain(blocked.leaseOwner);
      expect(blocked.replyStatus).toBe("sending");
      expect(blocked.grants.filter((g) => g.grantType === "refresh_token")).toEqual([]);
      const poller = running[blocked.ids.indexOf(blocked.leaseOwner!)]!;
      const sender = running.find((w) => w !== poller)!;

      // Both pieces of work over, however they went: the assertions below say what went wrong.
      const polls = (worker: RunningWorker) => worker.events.filter((e) => e.type === "poll" && e.mailboxId === mailbox.id);
      await until(
        "the poll done and the reply no longer being sent",
        async () => {
          const [row] = await db.select().from(outbox).where(eq(outbox.id, reply!.id));
          return polls(poller).length > 0 && row!.status !== "sending";
        },
        30_000,
        workersSaid,
      );
      const settled = Date.now() - releasedAt;
      for (const worker of running) worker.child.kill("SIGTERM");
      expect(await Promise.all(running.map((w) => w.exited))).toEqual([0, 0]);

      // One refresh at the provider, for both processes.
      const refreshes = provider.tokenGrants().filter((g) => g.grantType === "refresh_token");
      expect(refreshes).toEqual([{ grantType: "refresh_token", granted: true }]);
      // The poll went through with the new token (Dovecot asked the provider), and ingested the mail once.
      expect(polls(poller)[0]).toMatchObject({ ok: true, fetched: 1 });
      expect(polls(sender)).toEqual([]);
      const subject = "Question after the token ran out";
      expect(await db.select().from(tickets).where(and(eq(tickets.divisionId, desk.divisionId), eq(tickets.subject, subject)))).toHaveLength(1);
      expect(await db.select().from(inboundEmails).where(eq(inboundEmails.mailboxId, mailbox.id))).toHaveLength(1);
      expect(await db.select({ status: outbox.status }).from(outbox).where(eq(outbox.id, reply!.id))).toEqual([{ status: "sent" }]);
      // The reply went out once, signed in as the mailbox with a token the SMTP server checked.
      expect(sink.messages.filter((m) => m.envelope.from === address).map((m) => m.user)).toEqual([address]);
      expect(running.flatMap((w) => w.events.filter((e) => e.type === "error"))).toEqual([]);

      // The stored refresh token is the rotated one, still good; the one it replaced is refused.
      const [row] = await db.select().from(mailboxes).where(eq(mailboxes.id, mailbox.id));
      const stored = openTokens(row!)!;
      expect(stored.refreshToken).not.toBe(tokens.refreshToken);
      expect(stored.accessToken).not.toBe(tokens.accessToken);
      expect(await isActive(stored.refreshToken, provider)).toBe(true);
      expect(row!.connectionState).not.toBe("needsReconnect");
      await expect(refreshTokens(registration(), tokens.refreshToken)).rejects.toMatchObject({ failure: { type: "revoked" } });
      console.log(`two worker processes, one refresh: poll and send done ${settled} ms after both were let through`);
    },
    120_000,
  );
});
