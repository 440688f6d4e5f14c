import { escapeHtml } from "../../platform";

/** The obvious version, to check the character scan against. */
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const reference = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]);

describe("escapeHtml", () => {
  test("escapes the five characters wherever they stand", () => {
    expect(escapeHtml(`<script>alert("x")</script>`)).toBe("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(escapeHtml("&a")).toBe("&amp;a");
    expect(escapeHtml("a'")).toBe("a&#39;");
    expect(escapeHtml("<>")).toBe("&lt;&gt;");
    expect(escapeHtml("")).toBe("");
  });

  test("returns text with nothing to escape as it is, and turns other values into strings", () => {
    const text = "plain text, ünïcode ✓";
    expect(escapeHtml(text)).toBe(text);
    expect(escapeHtml(42)).toBe("42");
    expect(escapeHtml(null)).toBe("null");
    expect(escapeHtml({ toString: () => "<b>" })).toBe("&lt;b&gt;");
  });

  test("agrees with a regular-expression escaper on random text", () => {
    const alphabet = `ab<>&"' \n\u00e9\u2713`;
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let n = 0; n < 2000; n++) {
      let text = "";
      const length = Math.floor(next() * 12);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      expect(escapeHtml(text)).toBe(reference(text));
    }
  });
});
