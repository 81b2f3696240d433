import { describe, expect, it } from "vitest";
import { newPasswordProblems, passwordWeaknesses } from "../../../lib/auth/password-strength";
import { zodFieldErrors } from "../../../lib/forms";
import { signUpSchema } from "../../../lib/tenants/sign-up";

const form = {
  companyName: "Kwiaciarnia Różana",
  adminName: "Anna Kowalska",
  email: "anna@kwiaciarnia.test",
  locale: "pl" as const,
};

describe("password strength", () => {
  it("refuses ten of one letter, which only counted characters once allowed, with the estimator's reasons", () => {
    expect(passwordWeaknesses("aaaaaaaaaa")).toEqual([
      "passwordWeak",
      "passwordWarning.simpleRepeat",
      "passwordSuggestion.anotherWord",
      "passwordSuggestion.repeated",
    ]);
  });

  it("knows common passwords and words in English and in Polish", () => {
    expect(passwordWeaknesses("password123")).toContain("passwordWarning.common");
    expect(passwordWeaknesses("kochamcie123")[0]).toBe("passwordWeak");
    expect(passwordWeaknesses("Warszawa2024")[0]).toBe("passwordWeak");
  });

  it("counts what the form says about the person as guessable", () => {
    expect(passwordWeaknesses("Kwiaciarnia2024")).toEqual([]);
    // "Różana" typed without its diacritics is still the company's name.
    expect(passwordWeaknesses("Rozana2024!", [form.adminName, form.companyName])).toContain("passwordWarning.userInputs");
    expect(passwordWeaknesses("Kwiaciarnia2024", [form.adminName, form.companyName, form.email])).toContain(
      "passwordWarning.userInputs",
    );
  });

  it("takes several uncommon words, and a long enough random string", () => {
    expect(passwordWeaknesses("Correct-Horse-Battery-9", [form.email])).toEqual([]);
    expect(passwordWeaknesses("zielony-parasol-nad-wisla")).toEqual([]);
    expect(passwordWeaknesses("q7R!vX2p#LmZ")).toEqual([]);
  });

  it("judges length first: a short password is refused for that alone", () => {
    expect(newPasswordProblems("Kx9!", [])).toEqual(["passwordTooShort"]);
    expect(newPasswordProblems("x".repeat(201), [])).toEqual(["tooLong"]);
  });

  it("is one schema for sign-up, whose errors name the password field", () => {
    const weak = signUpSchema.safeParse({ ...form, password: "aaaaaaaaaa" });
    expect(weak.success).toBe(false);
    expect(zodFieldErrors(weak.error!).password?.slice(0, 2)).toEqual(["passwordWeak", "passwordWarning.simpleRepeat"]);
    const short = signUpSchema.safeParse({ ...form, password: "krótkie" });
    expect(zodFieldErrors(short.error!)).toEqual({ password: ["passwordTooShort"] });
    expect(signUpSchema.safeParse({ ...form, password: "Poprawne-Haslo-Zielone-7" }).success).toBe(true);
  });
});
