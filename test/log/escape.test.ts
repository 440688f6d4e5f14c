import { ErrorLog, escapeErrorLogText, escapeLogItem } from "../../platform/log";

describe("error-log escaping (Apache's ap_escape_errorlog_item for control characters)", () => {
  test("ESC, CR, DEL, C1 controls and the named controls are escaped", () => {
    expect(escapeErrorLogText("\x1b[31mred\x1b[0m")).toBe("\\x1b[31mred\\x1b[0m");
    expect(escapeErrorLogText("a\rb\tc\bd\ve\x7ff\x9bg\x00")).toBe("a\\rb\\tc\\bd\\ve\\x7ff\\x9bg\\x00");
  });

  test("quotes, backslashes and printable non-ASCII text stay readable", () => {
    const text = `JSON "a\\"b" caf\u00e9 \u20ac`;
    expect(escapeErrorLogText(text)).toBe(text);
  });

  test("every line of a message gets the prefix; no line carries a raw control character", () => {
    const lines: string[] = [];
    const log = new ErrorLog((l) => lines.push(l), 7);
    log.log("first \x1b]0;title\x07\nsecond\r", 3, "10.0.0.1:5");
    const written = lines.join("").split("\n").filter(Boolean);
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/\[tsmod:error\] \[pid \d+\] \[client 10\.0\.0\.1:5\] first \\x1b\]0;title\\x07$/);
    expect(written[1]).toMatch(/\[client 10\.0\.0\.1:5\] second\\r$/);
  });
});

describe("access-log escaping (Apache's ap_escape_logitem)", () => {
  test("quotes, backslashes, controls and non-ASCII bytes", () => {
    expect(escapeLogItem('say "hi"\\')).toBe('say \\"hi\\"\\\\');
    expect(escapeLogItem("\b\v\x1b\n")).toBe("\\b\\v\\x1b\\n");
    expect(escapeLogItem("\u00e9\u20ac")).toBe("\\xe9\\xe2\\x82\\xac");
  });
});
