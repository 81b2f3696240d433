import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MailConnectionError } from "@/lib/mail/connection-error";
import { connectPop3 } from "@/lib/mail/pop3";
import { xoauth2 } from "@/lib/mail/sasl";

/**
 * POP3 sign-in with an OAuth2 access token, against a scripted server on loopback that answers as
 * Dovecot and Outlook do: CAPA names `SASL … XOAUTH2`; a refused token gets a `+` challenge with the
 * provider's error (base64 JSON), and the final -ERR only after the client's empty line.
 */

const SHARED = "shared-support@contoso.test";
const TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.token-body.signature";

interface Script {
  capa: string[];
  acceptToken: boolean;
}

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A POP3 server that follows `script` and records every line it was sent. */
async function scriptedPop3(script: Script): Promise<{ port: number; received: string[] }> {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = "";
    let awaitingChallengeReply = false;
    socket.write("+OK ready\r\n");
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      for (let end = buffer.indexOf("\r\n"); end !== -1; end = buffer.indexOf("\r\n")) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        received.push(line);
        if (awaitingChallengeReply) {
          awaitingChallengeReply = false;
          socket.write("-ERR [AUTH] Authentication failed.\r\n");
        } else if (line === "CAPA") {
          socket.write(`+OK\r\n${script.capa.map((capability) => `${capability}\r\n`).join("")}.\r\n`);
        } else if (line.startsWith("AUTH XOAUTH2 ")) {
          if (script.acceptToken) {
            socket.write("+OK Logged in.\r\n");
          } else {
            awaitingChallengeReply = true;
            socket.write(`+ ${Buffer.from('{"status":"401","schemes":"bearer","scope":"mail"}').toString("base64")}\r\n`);
          }
        } else if (line === "STAT") {
          socket.write("+OK 2 320\r\n");
        } else if (line === "QUIT") {
          socket.end("+OK Bye\r\n");
        } else {
          socket.write("-ERR unknown command\r\n");
        }
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { port: (server.address() as net.AddressInfo).port, received };
}

const login = (port: number) => ({
  host: "127.0.0.1",
  port,
  security: "none" as const,
  username: SHARED,
  password: "",
  accessToken: TOKEN,
  timeoutMs: 5_000,
});

describe("POP3 sign-in with an OAuth2 token", () => {
  it("sends AUTH XOAUTH2 for the mailbox's own address when CAPA offers it, and the session works", async () => {
    const server = await scriptedPop3({ capa: ["TOP", "UIDL", "SASL PLAIN XOAUTH2 OAUTHBEARER", "USER"], acceptToken: true });
    const session = await connectPop3(login(server.port));
    expect(await session.stat()).toEqual({ count: 2, size: 320 });
    await session.quit();
    const auth = server.received.find((line) => line.startsWith("AUTH "))!;
    expect(auth).toBe(`AUTH XOAUTH2 ${xoauth2(SHARED, TOKEN)}`);
    expect(server.received).not.toContain(`USER ${SHARED}`);
  });

  it("answers the challenge of a refused token with an empty line and fails as a refused sign-in, without the token in the error", async () => {
    const server = await scriptedPop3({ capa: ["SASL XOAUTH2"], acceptToken: false });
    const error = await connectPop3(login(server.port)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MailConnectionError);
    expect((error as MailConnectionError).failure).toBe("loginFailed");
    expect((error as MailConnectionError).detail).not.toContain(TOKEN);
    expect(server.received.at(-1)).toBe("");
  });

  it("never sends a token to a server whose CAPA does not offer XOAUTH2, and says what it offers", async () => {
    const server = await scriptedPop3({ capa: ["UIDL", "SASL PLAIN LOGIN", "USER"], acceptToken: true });
    const error = (await connectPop3(login(server.port)).catch((caught: unknown) => caught)) as MailConnectionError;
    expect(error.failure).toBe("loginFailed");
    expect(error.detail).toMatch(/XOAUTH2.*PLAIN LOGIN/);
    expect(server.received.some((line) => line.startsWith("AUTH"))).toBe(false);
  });
});
