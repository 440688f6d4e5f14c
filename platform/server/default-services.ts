import { ErrorCode, TsmodError } from "../errors";
import type { RequestServices } from "../request";

/**
 * What a request gets where no module offers a service: its body as the client sent it, no
 * filters, no sessions. (The shipped modules offer all of them; an embedder may leave some out.)
 */
export const defaultServices: RequestServices = {
  outputChain: () => null,
  requestBody: (req) => req._state.stream,
  requestBodyStarted: () => false,
  addFilter(_req, direction, name) {
    throw new TsmodError(ErrorCode.FILTER_NOT_FOUND, `no ${direction} filter named '${name}': no filter module is loaded`);
  },
  registerFilter(_req, direction, name) {
    throw new TsmodError(ErrorCode.FILTER_NOT_FOUND, `cannot register ${direction} filter '${name}': no filter module is loaded`);
  },
  getSession: () => Promise.reject(new TsmodError(ErrorCode.SESSION_CONFIG, "sessions are not available in this server")),
};
