import type { HandlerEntry, PhaseSpec } from "../core";
import type { Request } from "../request";
import type { HandlerLists } from "./directives";

/** The tsmod module's config for a plan: its handler lists, and facts about them worked out once. */
export class TsHandlersConfig {
  /** Some list is for `| .ext`: only then does a phase's lookup build a key per request. */
  readonly hasExtensionLists: boolean;
  /** The phase directives with a list here (for any extension). */
  private readonly phases: ReadonlySet<string>;

  constructor(
    readonly lists: HandlerLists,
    readonly connectionHandler: HandlerEntry | null = null,
  ) {
    const keys = [...lists.keys()];
    this.hasExtensionLists = keys.some((k) => k.includes("."));
    this.phases = new Set(keys.map((k) => k.split(".")[0]));
  }

  /** Whether handlers are configured for one of these phases (a hook with nothing to run is left out). */
  has(...phases: PhaseSpec[]): boolean {
    return phases.some((p) => this.phases.has(p.directive));
  }
}

/**
 * The answer for a phase nobody configured (most phases of most requests), shared instead of
 * a new array each time; never written to, as `addHandler` copies the lists it is handed.
 */
const NO_HANDLERS: HandlerEntry[] = [];

/** The handlers for a phase: its `| .ext` list when one matches, else the generic list, then added ones. */
export function handlersFor(req: Request, config: TsHandlersConfig, directive: string): HandlerEntry[] {
  const lists = config.lists;
  const configured = ((req.extension && config.hasExtensionLists && lists.get(directive + req.extension)) || lists.get(directive) || NO_HANDLERS) as HandlerEntry[];
  const pending = req._state.added;
  const added = pending?.get(directive);
  if (!pending || !added) return configured;
  pending.delete(directive);
  return [...configured, ...added];
}
