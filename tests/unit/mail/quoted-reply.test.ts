import { describe, expect, it } from "vitest";
import { parseEmail } from "@/lib/mail/parse";
import { visibleReply } from "@/lib/mail/quoted-reply";
import { corpusFiles, readCorpus, readCorpusJson } from "../../setup/corpus";

interface ReplyParserExpectations {
  files: Record<
    string,
    { visible_reply_exact?: string; reply_contains?: string[]; reply_not_contains?: string[]; fragment_match?: Record<string, string> }
  >;
}

const text = (path: string) => readCorpus(path).toString("utf8");

describe("visibleReply on the email_reply_parser corpora", () => {
  for (const folder of ["github-email_reply_parser", "zapier-email-reply-parser"]) {
    const expectations = readCorpusJson<ReplyParserExpectations>(`${folder}/expected-from-tests.json`).files;
    for (const [file, expected] of Object.entries(expectations)) {
      if (expected.visible_reply_exact !== undefined) {
        it(`${folder}/${file} shows exactly the reply`, () => {
          expect(visibleReply(text(`${folder}/${file}`))).toBe(expected.visible_reply_exact);
        });
      }
      if (expected.reply_contains !== undefined) {
        it(`${folder}/${file} keeps what the reply says`, () => {
          const reply = visibleReply(text(`${folder}/${file}`));
          for (const part of expected.reply_contains ?? []) expect(reply).toContain(part);
          for (const part of expected.reply_not_contains ?? []) expect(reply).not.toContain(part);
        });
      }
    }
  }

  it("keeps the whole of a short mail with '--' inside a line", () => {
    const body = text("github-email_reply_parser/email_sig_delimiter_in_middle_of_line.txt");
    expect(visibleReply(body)).toBe(body.trim());
  });

  it("drops a '-- ' signature", () => {
    expect(visibleReply(text("github-email_reply_parser/correct_sig.txt"))).toBe(
      "this is an email with a correct -- signature.",
    );
  });

  it("drops the quote under a three-line 'On … wrote:' header", () => {
    expect(visibleReply(text("github-email_reply_parser/email_1_6.txt"))).toBe("I get proper rendering as well.");
  });

  it("keeps answers written between the quotes", () => {
    expect(visibleReply(text("github-email_reply_parser/email_1_8.txt"))).toBe(
      "I will reply under this one\nand under this.",
    );
  });

  it("keeps the greeting above an 'On … wrote:' header and the answer below the quote", () => {
    const reply = visibleReply(text("github-email_reply_parser/email_1_2.txt"));
    expect(reply.startsWith("Hi,\nYou can list the keys for the bucket")).toBe(true);
    expect(reply).not.toContain("Abhishek Kona wrote");
    expect(reply).not.toContain("riak-users mailing list");
  });

  it("does not take a line that starts with 'On' for a quote header", () => {
    const reply = visibleReply(text("github-email_reply_parser/greedy_on.txt"));
    expect(reply.startsWith("On your remote host you can run:")).toBe(true);
    expect(reply).toContain("the tunnel is not working.");
    expect(reply).not.toContain("George Plymale");
  });

  it("handles CRLF line ends", () => {
    expect(visibleReply(text("github-email_reply_parser/email_1_7.txt"))).toBe(":+1:");
  });
});

describe("visibleReply on mailgun/talon's replies", () => {
  const standardReplies = corpusFiles("mailgun-talon/standard_replies").filter((file) => file.endsWith(".eml"));

  it.each(standardReplies)("%s shows only 'Hello' (signatures go too, unlike in talon)", async (file) => {
    const email = await parseEmail(readCorpus(file));
    expect(email.displayText).toBe("Hello");
  });

  it.each(["gmail", "hotmail", "ms_outlook_2003", "thunderbird", "yandex_ru"])(
    "the %s HTML reply shows only 'Hi. I am fine. Thanks, Alex'",
    async (client) => {
      const html = readCorpus(`mailgun-talon/html_replies/${client}.html`);
      const mail = Buffer.concat([Buffer.from("From: alex@example.com\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"), html]);
      const email = await parseEmail(mail);
      expect(email.displayText.replace(/\s/g, "")).toBe("Hi.Iamfine.Thanks,Alex");
    },
  );

  it("Outlook for Mac's OLK_SRC_BODY_SECTION reply shows only 'Reply'", async () => {
    const html = readCorpus("mailgun-talon/OLK_SRC_BODY_SECTION.html");
    const email = await parseEmail(Buffer.concat([Buffer.from("Content-Type: text/html\r\n\r\n"), html]));
    expect(email.displayText).toBe("Reply");
  });

  it("a reply above a shared quotation block keeps the reply and drops the block", async () => {
    const email = await parseEmail(readCorpus("mailgun-talon/reply-quotations-share-block.eml"));
    expect(email.displayText.startsWith("Hi Katharine.")).toBe(true);
    expect(email.displayText).not.toContain("From");
  });
});

describe("visibleReply on Polish mail", () => {
  it("cuts at o2.pl's '---- Wiadomość Oryginalna ----' block", async () => {
    const email = await parseEmail(readCorpus("polish/git-2783325c.eml"));
    expect(email.displayText.endsWith("Janusz Białobrzewski.")).toBe(true);
    expect(email.displayText).not.toContain("Oryginalna");
    expect(email.displayText).not.toContain("Junio C Hamano");
  });

  it("drops Thunderbird's 'W dniu … pisze:' header with its quote", async () => {
    const email = await parseEmail(readCorpus("polish/linux-bluetooth-c6ee20ae4445.eml"));
    expect(email.displayText.startsWith("Hello,\n\nThank you.")).toBe(true);
    expect(email.displayText).not.toContain("pisze:");
    expect(email.displayText).not.toContain("This patch was applied");
  });

  it("drops Gmail's 'czw., 28 mar 2024 o 00:33 … napisał(a):' header with its quote", async () => {
    const email = await parseEmail(readCorpus("polish/linux-i2c-92c7945b8387.eml"));
    expect(email.displayText.startsWith("Hi Stefan,\nThis is even more information")).toBe(true);
    expect(email.displayText).not.toContain("napisał(a)");
  });

  it("drops Gmail's header wrapped over two lines", async () => {
    const email = await parseEmail(readCorpus("polish/linux-i2c-8db7f09241a9.eml"));
    expect(email.displayText.startsWith('Msg here is "TImed out waiting')).toBe(true);
    expect(email.displayText).not.toContain("napisał(a)");
    expect(email.displayText).not.toContain("Jarkko Nikula");
  });
});

describe("visibleReply on hand-written replies", () => {
  it.each([
    [
      "Outlook's Original Message separator",
      "Thanks, done.\n\n-----Original Message-----\nFrom: Anna <anna@example.com>\nSent: Monday\nTo: Support\nSubject: Printer\n\nIt is broken.",
      "Thanks, done.",
    ],
    [
      "Polish Outlook's header block",
      "Dziękuję, działa.\n\nOd: Pomoc <pomoc@example.pl>\nWysłano: poniedziałek, 3 czerwca 2024 10:00\nDo: Jan Kowalski <jan@example.pl>\nTemat: Drukarka\n\nProszę o restart.",
      "Dziękuję, działa.",
    ],
    [
      "German Outlook's header block under an underscore line",
      "Danke!\n________________________________\nVon: Support <support@example.de>\nGesendet: Montag, 3. Juni 2024 10:00\nAn: Hans <hans@example.de>\nBetreff: Drucker\n\nBitte neu starten.",
      "Danke!",
    ],
    [
      "a Polish 'W dniu … pisze:' header followed by an unquoted copy",
      "Dziękuję.\n\nW dniu 3.06.2024 o 10:00, Pomoc <pomoc@example.pl> pisze:\nProszę o restart.",
      "Dziękuję.",
    ],
    [
      "a French 'Le … a écrit :' header",
      "Merci.\n\nLe lun. 3 juin 2024 à 10:00, Support <support@example.fr> a écrit :\n> Redémarrez.",
      "Merci.",
    ],
    [
      "'Sent from my iPhone'",
      "Works now.\n\nSent from my iPhone\n\nOn 3 Jun 2024, at 10:00, Support <support@example.com> wrote:\n> Restart it.",
      "Works now.",
    ],
  ])("strips %s", (_case, body, expected) => {
    expect(visibleReply(body)).toBe(expected);
  });

  it("does not cut a forwarded message: on a help desk it is the content", () => {
    const body =
      "Please look at this.\n\n---------- Forwarded message ---------\nFrom: Shop <shop@example.com>\nDate: Mon, 3 Jun 2024\nSubject: Your order\nTo: anna@example.com\n\nOrder 123 is delayed.";
    expect(visibleReply(body)).toContain("Order 123 is delayed.");
  });

  it("shows the whole text when all of it is a quote rather than nothing", () => {
    const body = "> just a quote\n> nothing else";
    expect(visibleReply(body)).toBe(body);
  });

  it("returns an empty string for an empty text", () => {
    expect(visibleReply("")).toBe("");
    expect(visibleReply("\n\n  \n")).toBe("");
  });

  it("copes with a very long text quickly", () => {
    const body = `${"A line of a very long mail that goes on and on.\n".repeat(20_000)}\nOn Mon, 3 Jun 2024 Anna <anna@example.com> wrote:\n> old`;
    const started = Date.now();
    const reply = visibleReply(body);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(reply).not.toContain("old");
  });
});
