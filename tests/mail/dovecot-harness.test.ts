import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { newUser, plainMail } from "./sample-mail";

let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
});

afterAll(async () => {
  await dovecot?.stop();
});

describe("the test Dovecot", () => {
  it("takes mail over LMTP as a mail server hands it on", async () => {
    const user = await newUser(dovecot);
    const transport = nodemailer.createTransport({ host: dovecot.host, port: dovecot.ports.lmtp, lmtp: true, tls: { ca: dovecot.ca } });
    const mail = plainMail("over LMTP");
    await transport.sendMail({ envelope: { from: "customer@example.test", to: [user] }, raw: mail });
    transport.close();

    const [stored] = await dovecot.listFolder(user, "INBOX");
    // LMTP adds its trace headers on top; the mail itself follows unchanged.
    expect(stored!.raw.toString()).toMatch(/^Return-Path: <customer@example\.test>\r\n/);
    expect(stored!.raw.subarray(stored!.raw.length - mail.length).equals(mail)).toBe(true);
  });

  it("appends into a folder it creates, and keeps the mail of each user apart", async () => {
    const [alice, bob] = [await newUser(dovecot), await newUser(dovecot)];
    const mail = plainMail("filed");
    await dovecot.append(alice, "Archive", mail);
    expect(await dovecot.listFolder(alice, "Archive")).toEqual([{ uid: 1, raw: mail }]);
    await expect(dovecot.listFolder(bob, "Archive")).rejects.toThrow();
  });
});
