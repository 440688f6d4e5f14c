import { PartHeaderSniffer } from "../../platform/forms/part-header-sniffer";
import { chunksOf, multipartBody, textPart } from "./form-helpers";

const boundary = "sniff";
const body = multipartBody(boundary, [
  textPart("a", "1", ["Content-Type: text/plain; charset=koi8-r"]),
  { headers: ['Content-Disposition: form-data; name="f"; filename*=UTF-8\'\'x.txt'], body: "x" },
  { headers: ["Content-Type: text/plain"], body: "no disposition: busboy skips it" },
  textPart("b", "2"),
]);

test.each([1, 2, 3, 7, 64, body.length])("records the form-data parts' headers in %i-byte chunks", (size) => {
  const sniffer = new PartHeaderSniffer(boundary);
  for (const chunk of chunksOf(body, size)) sniffer.push(chunk);
  expect(sniffer.next("a")).toEqual({ name: "a", charset: "koi8-r", extendedFilename: false });
  expect(sniffer.next("f")).toEqual({ name: "f", charset: undefined, extendedFilename: true });
  expect(sniffer.next("b")).toEqual({ name: "b", charset: undefined, extendedFilename: false });
  expect(sniffer.next("b")).toBeUndefined();
});

test("a name it never saw does not shift the parts after it", () => {
  const sniffer = new PartHeaderSniffer(boundary);
  sniffer.push(body);
  expect(sniffer.next("unknown")).toBeUndefined();
  expect(sniffer.next("a")?.charset).toBe("koi8-r");
});

test("stops recording at the closing delimiter", () => {
  const sniffer = new PartHeaderSniffer(boundary);
  sniffer.push(Buffer.concat([body, Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="late"\r\n\r\n`)]));
  expect(sniffer.next("late")).toBeUndefined();
});

test.each([1, 2, 3, 7, 64, body.length + 10])("says where the form ends, in %i-byte chunks: the epilogue is not the form's", (size) => {
  const epilogue = Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="late"\r\n\r\nx`);
  const sniffer = new PartHeaderSniffer(boundary);
  let formBytes = 0;
  for (const chunk of chunksOf(Buffer.concat([body, epilogue]), size)) formBytes += sniffer.push(chunk);
  // Up to and including the "--" after the last delimiter; its CRLF is epilogue too.
  expect(formBytes).toBe(body.length - 2);
});
