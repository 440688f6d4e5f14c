import type { Socket } from "node:net";
import { HTTP_BAD_REQUEST, HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, HTTP_REQUEST_TIME_OUT, HTTP_REQUEST_URI_TOO_LARGE } from "../constants";
import { hadRequest } from "./socket-addresses";

/** A request Node's parser refused, as tsmod answers and logs it. */
export interface ParserRefusal {
  readonly status: number;
  /** The whole response: status line, headers and a one-line reason. */
  readonly response: string;
  /** The request line as the client sent it when that is known, else "" (logged as `-`). */
  readonly requestLine: string;
}

const REASONS: Record<number, string> = {
  [HTTP_BAD_REQUEST]: "400 Bad Request",
  [HTTP_REQUEST_TIME_OUT]: "408 Request Timeout",
  [HTTP_REQUEST_URI_TOO_LARGE]: "414 URI Too Long",
  [HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE]: "431 Request Header Fields Too Large",
};

/** The answer to a request Node's parser refused, with a reason for the client. */
export function parserRefusal(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Socket, limitRequestLine: number): ParserRefusal {
  let status = HTTP_BAD_REQUEST;
  let reason = `The request could not be parsed (${err.code ?? "malformed"}).`;
  if (err.code === "HPE_HEADER_OVERFLOW") {
    // The overflow is the request line's own when that line alone is over LimitRequestLine.
    const lineEnd = err.rawPacket?.indexOf(10) ?? -1;
    if (err.rawPacket && (lineEnd < 0 || lineEnd > limitRequestLine)) {
      status = HTTP_REQUEST_URI_TOO_LARGE;
      reason = "The request line exceeds LimitRequestLine.";
    } else {
      status = HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
      reason = "The request headers exceed the server's limit.";
    }
  } else if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") {
    status = HTTP_REQUEST_TIME_OUT;
    reason = "The request headers were not received in time (RequestReadTimeout, Timeout).";
  }
  const response = `HTTP/1.1 ${REASONS[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`;
  return { status, response, requestLine: status === HTTP_REQUEST_URI_TOO_LARGE ? "" : requestLine(err.rawPacket, socket) };
}

/**
 * The first line of what the client sent, when the refused data is all the connection ever
 * sent (else where the refused request began is not known).
 */
function requestLine(packet: Buffer | undefined, socket: Socket): string {
  if (!packet || hadRequest(socket) || socket.bytesRead !== packet.length) return "";
  const end = packet.indexOf(10);
  if (end < 0) return "";
  return packet.toString("latin1", 0, end > 0 && packet[end - 1] === 13 ? end - 1 : end);
}
