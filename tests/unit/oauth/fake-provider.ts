import type { OAuthFetch } from "@/lib/oauth/client";

/** One request openid-client made, as the provider would have received it. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** The form body of a token or revocation request; empty for a GET. */
  form: URLSearchParams;
}

/**
 * A provider answering from memory: every request is recorded, and `answer` decides the reply.
 * Nothing reaches the network, so a request the test did not expect shows up in `requests`.
 */
export function fakeProvider(answer: (request: SentRequest) => Response | Promise<Response>): { fetch: OAuthFetch; requests: SentRequest[] } {
  const requests: SentRequest[] = [];
  const fetch: OAuthFetch = async (url, options) => {
    const request = {
      method: options.method,
      url,
      headers: Object.fromEntries(Object.entries(options.headers).map(([name, value]) => [name.toLowerCase(), value])),
      form: new URLSearchParams(options.body instanceof URLSearchParams || typeof options.body === "string" ? options.body : undefined),
    };
    requests.push(request);
    return answer(request);
  };
  return { fetch, requests };
}

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

/**
 * An ID token as a token endpoint returns it. openid-client does not check the signature of one
 * that came straight from the token endpoint over TLS (OpenID Connect Core §3.1.3.7, item 6), only
 * its claims, so a fake signature serves.
 */
export function idToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "RS256", typ: "JWT", kid: "test" })}.${part({ iat: now, exp: now + 3600, ...claims })}.${Buffer.from("signature").toString("base64url")}`;
}
