import { describe, expect, it } from "vitest";
import { classifyMailError, MailConnectionError } from "@/lib/mail/connection-error";

function nodeError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("classifyMailError", () => {
  it.each([
    [nodeError("getaddrinfo ENOTFOUND mail.example.invalid", "ENOTFOUND"), "hostNotFound"],
    [nodeError("getaddrinfo EAI_AGAIN mail.example.com", "EAI_AGAIN"), "hostNotFound"],
    [nodeError("connect ECONNREFUSED 127.0.0.1:993", "ECONNREFUSED"), "connectionRefused"],
    [nodeError("connect ETIMEDOUT 10.0.0.1:993", "ETIMEDOUT"), "timeout"],
    [nodeError("Failed to establish connection in required time", "CONNECT_TIMEOUT"), "timeout"],
    [nodeError("read ECONNRESET", "ECONNRESET"), "connectionLost"],
    [nodeError("Connection not available", "NoConnection"), "connectionLost"],
    [nodeError("self-signed certificate", "DEPTH_ZERO_SELF_SIGNED_CERT"), "tlsFailed"],
    [nodeError("Hostname/IP does not match certificate's altnames", "ERR_TLS_CERT_ALTNAME_INVALID"), "tlsFailed"],
    [nodeError("ssl3_get_record:wrong version number", "ERR_SSL_WRONG_VERSION_NUMBER"), "tlsFailed"],
    [Object.assign(new Error("Command failed"), { authenticationFailed: true }), "loginFailed"],
    [Object.assign(new Error("Command failed"), { serverResponseCode: "AUTHENTICATIONFAILED" }), "loginFailed"],
    [Object.assign(new Error("Command failed"), { mailboxMissing: true }), "folderNotFound"],
    [Object.assign(new Error("Command failed"), { serverResponseCode: "NONEXISTENT" }), "folderNotFound"],
    [new Error("Unexpected server response"), "protocolError"],
    ["a string thrown by someone", "protocolError"],
  ] as const)("classifies %s as %s", (error, failure) => {
    expect(classifyMailError(error).failure).toBe(failure);
  });

  it("looks into the errors an error wraps", () => {
    const wrapped = new Error("Connection failed", { cause: nodeError("connect ECONNREFUSED 127.0.0.1:110", "ECONNREFUSED") });
    expect(classifyMailError(wrapped)).toEqual({
      failure: "connectionRefused",
      detail: "Connection failed: connect ECONNREFUSED 127.0.0.1:110",
      codes: "ECONNREFUSED",
    });
  });

  it("keeps a MailConnectionError's own verdict", () => {
    expect(classifyMailError(new MailConnectionError("loginFailed", "PASS refused: -ERR [AUTH] Authentication failed."))).toEqual({
      failure: "loginFailed",
      detail: "PASS refused: -ERR [AUTH] Authentication failed.",
      codes: "",
    });
  });

  it("finds our own verdict inside an error that wraps it", () => {
    const wrapped = new Error("Poll failed", { cause: new MailConnectionError("folderNotFound", "Folder Processed does not exist") });
    expect(classifyMailError(wrapped).failure).toBe("folderNotFound");
  });

  it("never repeats the password, even when a server echoes it", () => {
    const echoed = Object.assign(new Error("Command failed"), { responseText: "LOGIN bob hunter2-secret rejected" });
    const { detail } = classifyMailError(echoed, ["hunter2-secret"]);
    expect(detail).not.toContain("hunter2-secret");
    expect(detail).toContain("LOGIN bob");
  });

  it("gives tenants the codes alone, never the server's words", () => {
    const answered = Object.assign(new Error("Command failed"), {
      serverResponseCode: "AUTHENTICATIONFAILED",
      responseText: "Internal banner of host db-7.corp: HTTP/1.1 400 Bad Request",
    });
    expect(classifyMailError(answered).codes).toBe("AUTHENTICATIONFAILED");
    // Only names from a code's vocabulary pass, whatever a server puts where a code belongs.
    const forged = Object.assign(new Error("Command failed"), { serverResponseCode: "HTTP/1.1 400 Bad Request <html>" });
    expect(classifyMailError(forged).codes).toBe("");
  });
});
