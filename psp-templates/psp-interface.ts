import type { PageRun, PSPVars } from "./page-run";
import { parameterBinding } from "./parameter-names";

/** A form as tsmod's FieldStorage shapes it: every value of a field, in order. */
interface FieldLists {
  getlist(name: string): unknown[];
}

/**
 * The `psp` object in a page's scope. Relative page names resolve against the folder of the
 * page being run (a textual include runs as part of its including page).
 */
export class PSPInterface {
  constructor(
    private readonly run: PageRun,
    private readonly dir: string,
    private readonly vars: PSPVars,
  ) {}

  /** Sends a 302 (301 if `permanent`) to `location`, dropping this page's output, and ends the request. */
  redirect(location: string, permanent = false): never {
    return this.run.redirect(location, permanent);
  }

  /** On an uncaught error, render `file` instead of failing, with the error as `exception`. */
  setErrorPage(file: string): void {
    this.run.errorPage = this.run.resolve(this.dir, file);
  }

  /** Renders another page at this point of the output; it sees this page's vars plus `vars`. */
  include(file: string, vars: PSPVars = {}): Promise<void> {
    return this.run.include(this.dir, file, { ...this.vars, ...vars });
  }

  /**
   * Calls `fn` with the form fields its parameters name (`req` gets the request); a field sent
   * once gives its value, sent several times an array, absent `undefined`.
   */
  async applyData<R>(fn: (...args: never[]) => R): Promise<Awaited<R>> {
    const form = (await this.run.formFields()) as Partial<FieldLists> | null | undefined;
    const valueOf = (name: string | undefined): unknown => {
      if (name === undefined) return undefined;
      if (name === "req") return this.run.request;
      const values = typeof form?.getlist === "function" ? form.getlist(name) : [];
      return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
    };
    const binding = parameterBinding(fn);
    const args =
      binding.style === "object"
        ? [Object.fromEntries(binding.names.map((name) => [name, valueOf(name)]))]
        : binding.names.map(valueOf);
    return await (fn as (...args: unknown[]) => R)(...args);
  }
}
