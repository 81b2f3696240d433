import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dovecot, startDovecot } from "../setup/dovecot";
import { startSmtpSink } from "../setup/smtp-sink";
import { newUser, plainMail } from "./sample-mail";

let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot();
});

afterAll(async () => {
  await dovecot?.stop();
});

describe("the test SMTP sink", () => {
  it("keeps each message with its envelope and who signed in, byte for byte", async () => {
    const sink = await startSmtpSink({ users: { desk: "Desk-Password-1" } });
    const transport = nodemailer.createTransport({
      host: sink.host,
      port: sink.port,
      ignoreTLS: true,
      auth: { user: "desk", pass: "Desk-Password-1" },
    });
    try {
      // A line that starts with a dot goes through DATA's dot-stuffing and comes out as written.
      const mail = plainMail("kept", ".leading dot");
      await transport.sendMail({ envelope: { from: "desk@acme.test", to: ["a@customer.test", "b@customer.test"] }, raw: mail });
      expect(sink.messages).toEqual([
        { envelope: { from: "desk@acme.test", to: ["a@customer.test", "b@customer.test"] }, raw: mail, user: "desk" },
      ]);
    } finally {
      transport.close();
      await sink.stop();
    }
  });

  it("answers as the responder says: 421 then accepted, and a permanent 550", async () => {
    const sink = await startSmtpSink();
    const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, ignoreTLS: true });
    const send = (subject: string) =>
      transport.sendMail({ envelope: { from: "desk@acme.test", to: ["c@customer.test"] }, raw: plainMail(subject) });
    try {
      let attempts = 0;
      sink.setResponder(() => (++attempts === 1 ? { code: 421, message: "Try again later" } : undefined));
      await expect(send("busy")).rejects.toMatchObject({ responseCode: 421 });
      await send("busy");
      expect(attempts).toBe(2);
      expect(sink.messages).toHaveLength(1);

      sink.setResponder(() => ({ code: 550, message: "Mailbox unavailable" }));
      await expect(send("refused")).rejects.toMatchObject({ responseCode: 550, message: expect.stringContaining("Mailbox unavailable") });
      expect(sink.messages).toHaveLength(1);

      sink.setResponder(null);
      await send("accepted again");
      expect(sink.messages).toHaveLength(2);
    } finally {
      transport.close();
      await sink.stop();
    }
  });

  it("hands accepted messages on to Dovecot over LMTP", async () => {
    const user = await newUser(dovecot);
    const sink = await startSmtpSink({ relayLmtp: { host: dovecot.host, port: dovecot.ports.lmtp } });
    const transport = nodemailer.createTransport({ host: sink.host, port: sink.port, ignoreTLS: true });
    try {
      const mail = plainMail("relayed");
      await transport.sendMail({ envelope: { from: "desk@acme.test", to: [user] }, raw: mail });
      const [stored] = await dovecot.listFolder(user, "INBOX");
      expect(stored!.raw.subarray(stored!.raw.length - mail.length).equals(mail)).toBe(true);

      // A recipient Dovecot does not know: the sender hears of it, and the sink keeps nothing.
      await expect(
        transport.sendMail({ envelope: { from: "desk@acme.test", to: ["nobody-here@example.test"] }, raw: plainMail("lost") }),
      ).rejects.toMatchObject({ responseCode: 451 });
      expect(sink.messages).toHaveLength(1);
    } finally {
      transport.close();
      await sink.stop();
    }
  });
});
