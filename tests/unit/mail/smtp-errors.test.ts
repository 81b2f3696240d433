import { describe, expect, it } from "vitest";
import { classifyMailError } from "@/lib/mail/connection-error";

/** An error as nodemailer's SMTP client makes it: its own code, Node's kept as `originalCode`. */
function smtpError(message: string, code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

describe("classifyMailError on nodemailer's SMTP errors", () => {
  it.each([
    [smtpError("Invalid login: 535 5.7.8 Authentication credentials invalid", "EAUTH", { responseCode: 535, command: "AUTH PLAIN" }), "loginFailed"],
    [smtpError('Missing credentials for "PLAIN"', "EAUTH", { command: "API" }), "loginFailed"],
    [smtpError("Authentication credentials not provided", "ENOAUTH"), "loginFailed"],
    [smtpError("connect ECONNREFUSED 127.0.0.1:587", "ESOCKET", { originalCode: "ECONNREFUSED", command: "CONN" }), "connectionRefused"],
    [smtpError("connect ECONNREFUSED 127.0.0.1:25", "ECONNECTION", { originalCode: "ECONNREFUSED" }), "connectionRefused"],
    [smtpError("Connection timeout", "ETIMEDOUT", { command: "CONN" }), "timeout"],
    [smtpError("Timeout", "ETIMEDOUT", { originalCode: "SOCKET_TIMEOUT" }), "timeout"],
    [smtpError("Greeting never received", "ETIMEOUT"), "timeout"],
    [smtpError("getaddrinfo ENOTFOUND smtp.example.invalid", "EDNS", { originalCode: "ENOTFOUND" }), "hostNotFound"],
    [smtpError("DNS lookup failed", "EDNS"), "hostNotFound"],
    [smtpError("Error initiating TLS - self-signed certificate", "ETLS", { command: "STARTTLS" }), "tlsFailed"],
    [smtpError("Error upgrading connection with STARTTLS: 454 TLS not available", "ETLS", { responseCode: 454 }), "tlsFailed"],
    [smtpError("self-signed certificate", "ESOCKET", { originalCode: "DEPTH_ZERO_SELF_SIGNED_CERT" }), "tlsFailed"],
    [smtpError("ssl3_get_record:wrong version number", "ESOCKET", { originalCode: "ERR_SSL_WRONG_VERSION_NUMBER" }), "tlsFailed"],
    [smtpError("Invalid greeting. response=554 5.7.1 Go away", "EPROTOCOL", { responseCode: 554 }), "protocolError"],
    [smtpError("Connection closed unexpectedly", "ECONNECTION"), "protocolError"],
    [smtpError("Message failed: 550 5.7.1 Relaying denied", "EMESSAGE", { responseCode: 550 }), "protocolError"],
  ] as const)("classifies %s as %s", (error, failure) => {
    expect(classifyMailError(error).failure).toBe(failure);
  });

  it("keeps the server's words and nodemailer's code, never the password", () => {
    const password = "Tr0ub4dor&3";
    const error = smtpError(`Invalid login: 535 authentication failed for ${password}`, "EAUTH", { responseCode: 535 });
    expect(classifyMailError(error, [password])).toEqual({
      failure: "loginFailed",
      detail: "Invalid login: 535 authentication failed for [hidden] (EAUTH)",
      codes: "EAUTH, 535",
    });
  });
});
