import { generateSync } from "otplib";
import { describe, expect, it } from "vitest";
import {
  checkTotpCode,
  hashRecoveryCode,
  looksLikeRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  RECOVERY_CODE_COUNT,
  TOTP_PERIOD_SECONDS,
  totpUri,
} from "../../../lib/auth/totp";

const secret = newTotpSecret();
// The start of a time step, plus 10 s: every step of the window is unambiguous.
const now = new Date((56_666_666 * TOTP_PERIOD_SECONDS + 10) * 1000);
const step = 56_666_666;
const codeAt = (stepOffset: number) => generateSync({ secret, epoch: (step + stepOffset) * TOTP_PERIOD_SECONDS + 5 });

describe("checking a code from an authenticator", () => {
  it("accepts the code of the current step, and of one step before or after, and says which step it was", () => {
    expect(checkTotpCode(secret, codeAt(0), now, null)).toEqual({ ok: true, step });
    expect(checkTotpCode(secret, codeAt(-1), now, null)).toEqual({ ok: true, step: step - 1 });
    expect(checkTotpCode(secret, codeAt(1), now, null)).toEqual({ ok: true, step: step + 1 });
  });

  it("refuses a code two steps away, another secret's code, and anything that is not six digits", () => {
    expect(checkTotpCode(secret, codeAt(-2), now, null)).toEqual({ ok: false, reason: "wrong" });
    expect(checkTotpCode(secret, codeAt(2), now, null)).toEqual({ ok: false, reason: "wrong" });
    expect(checkTotpCode(newTotpSecret(), codeAt(0), now, null)).toMatchObject({ ok: false });
    for (const typed of ["", "12345", "1234567", "abcdef"]) expect(checkTotpCode(secret, typed, now, null)).toEqual({ ok: false, reason: "wrong" });
  });

  it("takes a code typed with spaces", () => {
    const code = codeAt(0);
    expect(checkTotpCode(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now, null)).toEqual({ ok: true, step });
  });

  it("refuses a code of a step already used, or of an earlier one, as reused", () => {
    expect(checkTotpCode(secret, codeAt(0), now, step)).toEqual({ ok: false, reason: "reused" });
    expect(checkTotpCode(secret, codeAt(-1), now, step)).toEqual({ ok: false, reason: "reused" });
    expect(checkTotpCode(secret, codeAt(1), now, step)).toEqual({ ok: true, step: step + 1 });
  });
});

describe("the secret and its otpauth address", () => {
  it("is 160 bits in base32, and the address names the issuer, the account and the 30 s step", () => {
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(secret, "ann@acme.test"));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.host).toBe("totp");
    expect(decodeURIComponent(uri.pathname)).toBe("/Postdesk:ann@acme.test");
    expect(uri.searchParams.get("secret")).toBe(secret);
    expect(uri.searchParams.get("issuer")).toBe("Postdesk");
    expect(uri.searchParams.get("period") ?? "30").toBe("30");
  });
});

describe("recovery codes", () => {
  it("are ten different codes of ten unambiguous characters, recognisable as recovery codes", () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) {
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
      expect(looksLikeRecoveryCode(code)).toBe(true);
    }
    expect(looksLikeRecoveryCode("123456")).toBe(false);
  });

  it("are stored as a hash that ignores case, spaces and the dash", () => {
    const [code] = newRecoveryCodes(1);
    const hash = hashRecoveryCode(code!);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(code!.replace("-", ""));
    expect(hashRecoveryCode(` ${code!.toUpperCase().replace("-", " ")} `)).toBe(hash);
  });
});
