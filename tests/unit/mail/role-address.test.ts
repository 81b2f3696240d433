import { describe, expect, it } from "vitest";
import { isRoleAddress } from "@/lib/mail/role-address";

describe("isRoleAddress", () => {
  it.each([
    "postmaster@example.com",
    "Postmaster@EXAMPLE.COM",
    "no-reply@shop.example",
    "noreply+tag@shop.example",
    "DoNotReply@bank.example",
    "mailer-daemon@mx.example",
    "MAILER-DAEMON@mx.example",
    "abuse@isp.example",
    "hostmaster@example.com",
    "webmaster@example.com",
    "root@server.example",
  ])("%s is a role address", (address) => {
    expect(isRoleAddress(address)).toBe(true);
  });

  it.each([
    // Inboxes people read: a mass mail to them is a choice, not a mistake.
    "info@example.com",
    "sales@example.com",
    "support@example.com",
    "admin@example.com",
    // Only the whole local part counts.
    "jan.postmaster@example.com",
    "noreplyjan@example.com",
    "ada@postmaster.example",
    "postmaster",
    "",
  ])("%s is not a role address", (address) => {
    expect(isRoleAddress(address)).toBe(false);
  });
});
