import { describe, expect, it } from "vitest";
import { xoauth2 } from "@/lib/mail/sasl";

const bytes = (base64: string) => [...Buffer.from(base64, "base64")];
const ascii = (text: string) => [...Buffer.from(text, "latin1")];

describe("xoauth2", () => {
  it("matches the example of Google's XOAUTH2 documentation", () => {
    expect(xoauth2("someuser@example.com", "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg")).toBe(
      "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==",
    );
  });

  it("signs into a Microsoft 365 shared mailbox as the shared address, with the token of the colleague who authorized", () => {
    expect(bytes(xoauth2("support@contoso.example", "eyJ0eXAiOiJKV1Qi.anna"))).toEqual(
      ascii("user=support@contoso.example\x01auth=Bearer eyJ0eXAiOiJKV1Qi.anna\x01\x01"),
    );
  });

  it("refuses a value that would forge a key-value pair", () => {
    expect(() => xoauth2("support@contoso.example\x01auth=Bearer other", "token")).toThrow(RangeError);
  });
});
