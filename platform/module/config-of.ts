import type { Request } from "../request";
import type { TsmodModule } from "./define-module";
import type { Plan } from "./plan";

/** A module's config for the request's plan, where a hook's `config` argument is not at hand. */
export function configOf<D>(req: Request, module: TsmodModule<D>): D {
  return (req._state.plan as Plan).config(module);
}

/** A module's state for the configuration the request runs on (what its `start` returned). */
export function moduleState<S>(req: Request, module: TsmodModule<any>): S {
  return (req._state.plan as Plan).modules.stateOf<S>(module);
}

/** A module's per-server config for the (virtual) server the request is for. */
export function serverConfigOf<S>(req: Request, module: TsmodModule<any>): S {
  return (req._state.plan as Plan).serverConfig<S>(module);
}
