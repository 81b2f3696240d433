import crypto from "node:crypto";
import tls from "node:tls";
import { ImapFlow } from "imapflow";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { type OAuthProvider, startOAuthProvider } from "../setup/oauth-provider";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";
import { newUser, plainMail } from "./sample-mail";

/**
 * The OAuth2 test setup, proven with raw clients before Postdesk's own code relies on it: a real
 * authorization server (oidc-provider), Dovecot and the SMTP sink checking its tokens by
 * introspection, as Gmail and Microsoft 365 check theirs.
 */

/** Short, so that the expiry test waits TTL + 2 s; every other test uses its token at once. */
const ACCESS_TOKEN_TTL_SECONDS = 5;
/** Never called: the headless sign-in stops at the redirect, as a browser would hand it to Postdesk. */
const REDIRECT_URI = "http://127.0.0.1:9/oauth/callback";

let provider: OAuthProvider;
let dovecot: Dovecot;
let sink: SmtpSink;

beforeAll(async () => {
  provider = await startOAuthProvider({ redirectUris: [REDIRECT_URI], accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS });
  [dovecot, sink] = await Promise.all([
    startDovecot({ oauth2: provider.introspection }),
    startSmtpSink({ oauth2: provider.introspection }),
  ]);
});

afterAll(async () => {
  await Promise.all([dovecot?.stop(), sink?.stop(), provider?.stop()]);
});

interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token: string;
}

/** The authorization code flow with PKCE, as Postdesk runs it, with a headless browser part. */
async function signIn(email: string, { prompt = "consent" }: { prompt?: string } = {}): Promise<Tokens> {
  const verifier = crypto.randomBytes(32).toString("base64url");
  const state = crypto.randomBytes(8).toString("hex");
  const authorization = new URL(provider.endpoints.authorization);
  authorization.search = new URLSearchParams({
    client_id: provider.clientId,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: "openid email profile offline_access",
    prompt,
    state,
    code_challenge: crypto.createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  }).toString();
  const back = await provider.authorizeHeadless(authorization, { email });
  expect(back.searchParams.get("state")).toBe(state);
  const code = back.searchParams.get("code");
  if (!code) throw new Error(`No code in ${back.href}`);
  const response = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

function tokenRequest(params: Record<string, string>): Promise<Response> {
  return fetch(provider.endpoints.token, {
    method: "POST",
    body: new URLSearchParams({ ...params, client_id: provider.clientId, client_secret: provider.clientSecret }),
    signal: AbortSignal.timeout(5_000),
  });
}

async function refresh(refreshToken: string): Promise<{ status: number; body: Partial<Tokens> & { error?: string } }> {
  const response = await tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken });
  return { status: response.status, body: (await response.json()) as Partial<Tokens> & { error?: string } };
}

/** Logs into IMAP with the token (imapflow picks OAUTHBEARER when offered) and counts the INBOX. */
async function imapInboxCount(user: string, accessToken: string): Promise<number> {
  const client = new ImapFlow({
    host: dovecot.host,
    port: dovecot.ports.imaps,
    secure: true,
    tls: { ca: [dovecot.ca] },
    auth: { user, accessToken },
    logger: false,
    disableAutoIdle: true,
  });
  client.on("error", () => {
    // the awaited command reports it
  });
  await client.connect();
  try {
    const status = await client.status("INBOX", { messages: true });
    if (status === false || status.messages === undefined) throw new Error("STATUS INBOX failed");
    return status.messages;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function imapRefuses(user: string, accessToken: string): Promise<unknown> {
  return imapInboxCount(user, accessToken).then(
    () => "logged in",
    (error: Error & { authenticationFailed?: boolean; serverResponseCode?: string }) => ({
      authenticationFailed: error.authenticationFailed,
      serverResponseCode: error.serverResponseCode,
    }),
  );
}

interface Pop3Outcome {
  /** The server's final answer to AUTH. */
  answer: string;
  /** RFC 7628's error JSON sent as a challenge after a refused token. */
  challenge?: Record<string, unknown>;
  /** STAT's message count, when logged in. */
  messages?: number;
}

/**
 * AUTH XOAUTH2 over POP3S by hand (no POP3 client on npm speaks SASL). After a refused token
 * Dovecot sends `+ <base64 JSON>` and waits for an empty line before its `-ERR`.
 */
async function pop3XOAuth2(user: string, secret: string): Promise<Pop3Outcome> {
  const socket = tls.connect({ host: dovecot.host, port: dovecot.ports.pop3s, ca: [dovecot.ca], servername: "localhost" });
  socket.setTimeout(5_000, () => socket.destroy(new Error("POP3 server did not answer within 5 s")));
  const lines: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let buffered = "";
  socket.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("latin1");
    for (let end = buffered.indexOf("\r\n"); end >= 0; end = buffered.indexOf("\r\n")) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const reader = waiting.shift();
      if (reader) reader.resolve(line);
      else lines.push(line);
    }
  });
  const failed = (error: Error) => waiting.splice(0).forEach((reader) => reader.reject(error));
  socket.on("error", failed);
  socket.on("close", () => failed(new Error("POP3 connection closed")));
  const nextLine = () =>
    lines.length > 0 ? Promise.resolve(lines.shift()!) : new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  const send = (line: string) => socket.write(`${line}\r\n`);

  try {
    expect(await nextLine()).toMatch(/^\+OK/);
    send(`AUTH XOAUTH2 ${Buffer.from(`user=${user}\x01auth=Bearer ${secret}\x01\x01`).toString("base64")}`);
    let answer = await nextLine();
    if (answer.startsWith("+ ")) {
      const challenge = JSON.parse(Buffer.from(answer.slice(2), "base64").toString()) as Record<string, unknown>;
      send("");
      answer = await nextLine();
      return { answer, challenge };
    }
    if (!answer.startsWith("+OK")) return { answer };
    send("STAT");
    const stat = await nextLine();
    send("QUIT");
    return { answer, messages: Number(/^\+OK (\d+) /.exec(stat)?.[1]) };
  } finally {
    socket.destroy();
  }
}

/** Sends one mail through the sink with nodemailer's OAuth2 (SASL XOAUTH2); the access token only, so it can never refresh. */
async function sendWithToken(user: string, accessToken: string, subject: string, through = sink): Promise<void> {
  const transport = nodemailer.createTransport({
    host: through.host,
    port: through.port,
    ignoreTLS: true,
    auth: { type: "OAuth2", user, accessToken },
    logger: false,
  });
  try {
    await transport.sendMail({ envelope: { from: user, to: ["customer@example.test"] }, raw: plainMail(subject) });
  } finally {
    transport.close();
  }
}

function idTokenClaims(idToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
}

describe("the test OAuth provider with Dovecot and the SMTP sink", () => {
  it("an access token from a headless sign-in logs into IMAP and POP3 and sends through the SMTP sink", async () => {
    const user = await newUser(dovecot);
    await dovecot.deliver(user, plainMail("waiting"));
    const tokens = await signIn(user);

    expect(await imapInboxCount(user, tokens.access_token)).toBe(1);
    expect(await pop3XOAuth2(user, tokens.access_token)).toMatchObject({ answer: expect.stringMatching(/^\+OK/), messages: 1 });
    await sendWithToken(user, tokens.access_token, "sent with a token");
    expect(sink.messages.filter((message) => message.user === user)).toHaveLength(1);
  });

  it("a token is refused for any mail login other than its subject", async () => {
    const [owner, other] = [await newUser(dovecot), await newUser(dovecot)];
    const tokens = await signIn(owner);

    expect(await imapRefuses(other, tokens.access_token)).toMatchObject({ authenticationFailed: true });
    expect(await pop3XOAuth2(other, tokens.access_token)).toMatchObject({ answer: expect.stringMatching(/^-ERR/) });
    await expect(sendWithToken(other, tokens.access_token, "not mine")).rejects.toMatchObject({ code: "EAUTH", responseCode: 535 });
  });

  it("a refresh token used as an access token is refused by Dovecot and the SMTP sink", async () => {
    const user = await newUser(dovecot);
    const { refresh_token: refreshToken } = await signIn(user);
    if (!refreshToken) throw new Error("no refresh token");

    expect(await imapRefuses(user, refreshToken)).toMatchObject({ authenticationFailed: true });
    const pop3 = await pop3XOAuth2(user, refreshToken);
    expect(pop3.answer).toMatch(/^-ERR/);
    expect(pop3.challenge).toMatchObject({ status: "401", schemes: "bearer" });
    await expect(sendWithToken(user, refreshToken, "refresh token")).rejects.toMatchObject({ code: "EAUTH", responseCode: 535 });
    // Why: only the client holding a refresh token may see it as active.
    const { introspectionUrl, clientId, clientSecret } = provider.introspection;
    const introspect = async (auth: string) => {
      const response = await fetch(introspectionUrl, { method: "POST", headers: { authorization: `Basic ${auth}` }, body: new URLSearchParams({ token: refreshToken }) });
      return ((await response.json()) as { active: boolean }).active;
    };
    expect(await introspect(Buffer.from(`${clientId}:${clientSecret}`).toString("base64"))).toBe(false);
    expect(await introspect(Buffer.from(`${provider.clientId}:${provider.clientSecret}`).toString("base64"))).toBe(true);
  });

  it("the mailbox password works for PLAIN but not as an XOAUTH2 token", async () => {
    const user = `user-${crypto.randomBytes(4).toString("hex")}@example.test`;
    await dovecot.addUser(user, "Mailbox-Password-1");

    expect(await dovecot.listFolder(user, "INBOX")).toEqual([]);
    expect((await pop3XOAuth2(user, "Mailbox-Password-1")).answer).toMatch(/^-ERR/);
  });

  it("after the user revokes the grant the access token is refused at the next login and the refresh token is invalid", async () => {
    const user = await newUser(dovecot);
    const tokens = await signIn(user);
    expect(await imapInboxCount(user, tokens.access_token)).toBe(0);

    expect(await provider.revokeGrants(user)).toBe(1);
    expect(await imapRefuses(user, tokens.access_token)).toMatchObject({ authenticationFailed: true });
    expect((await pop3XOAuth2(user, tokens.access_token)).answer).toMatch(/^-ERR/);
    await expect(sendWithToken(user, tokens.access_token, "revoked")).rejects.toMatchObject({ responseCode: 535 });
    expect(await refresh(tokens.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("an access token is refused once its lifetime has passed", async () => {
    const user = await newUser(dovecot);
    const tokens = await signIn(user);
    expect(await imapInboxCount(user, tokens.access_token)).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, (ACCESS_TOKEN_TTL_SECONDS + 2) * 1000));
    expect(await imapRefuses(user, tokens.access_token)).toMatchObject({ authenticationFailed: true });
    await expect(sendWithToken(user, tokens.access_token, "expired")).rejects.toMatchObject({ responseCode: 535 });
    // The refresh token outlives it: a fresh access token logs in again.
    const refreshed = await refresh(tokens.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect(await imapInboxCount(user, refreshed.body.access_token!)).toBe(0);
  }, 20_000);

  it("a refresh rotates the refresh token, and replaying the old one fails and revokes the grant", async () => {
    const user = await newUser(dovecot);
    const first = await signIn(user);

    const second = await refresh(first.refresh_token!);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).toEqual(expect.any(String));
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(await imapInboxCount(user, second.body.access_token!)).toBe(0);

    expect(await refresh(first.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    // A replayed refresh token means it leaked: the whole grant goes, the tokens just issued too.
    expect(await refresh(second.body.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect(await imapRefuses(user, second.body.access_token!)).toMatchObject({ authenticationFailed: true });
  });

  it("a refresh token the test revokes answers invalid_grant at its next use", async () => {
    const tokens = await signIn(await newUser(dovecot));
    await provider.revokeToken(tokens.refresh_token!);
    expect(await refresh(tokens.refresh_token!)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("a refresh token comes only with prompt=consent, and the ID token carries the email claims", async () => {
    const user = `Staff-${crypto.randomBytes(4).toString("hex")}@example.test`;
    provider.addAccount({ email: user, emailVerified: false });

    const withoutConsent = await signIn(user, { prompt: "login" });
    expect(withoutConsent.refresh_token).toBeUndefined();

    const withConsent = await signIn(user);
    expect(withConsent.refresh_token).toEqual(expect.any(String));
    expect(idTokenClaims(withConsent.id_token)).toMatchObject({
      iss: provider.issuer,
      aud: provider.clientId,
      sub: user.toLowerCase(),
      email: user,
      email_verified: false,
    });
  });

  it("the SMTP sink answers a token it cannot check with a temporary failure, not a refused login", async () => {
    const misconfigured = await startSmtpSink({ oauth2: { ...provider.introspection, clientSecret: "wrong" } });
    try {
      const user = await newUser(dovecot);
      const tokens = await signIn(user);
      await expect(sendWithToken(user, tokens.access_token, "unchecked", misconfigured)).rejects.toMatchObject({ responseCode: 454 });
      expect(misconfigured.messages).toEqual([]);
    } finally {
      await misconfigured.stop();
    }
  });

  it("an authorization request without PKCE is refused", async () => {
    const authorization = new URL(provider.endpoints.authorization);
    authorization.search = new URLSearchParams({
      client_id: provider.clientId,
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: "openid email",
      state: "no-pkce",
    }).toString();
    const back = await provider.authorizeHeadless(authorization, { email: "nobody@example.test" });
    expect(back.origin + back.pathname).toBe(REDIRECT_URI);
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("code")).toBeNull();
  });
});
