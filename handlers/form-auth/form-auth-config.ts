import type { ConfigValues, CoreDir } from "../../platform";
import { AuthFormLoginRequiredLocation, AuthFormLogoutLocation, AuthFormProvider } from "./directives";

export interface FormAuthConfig {
  /** `AuthType Form` applies here. */
  readonly active: boolean;
  /** Apache's default is `file`. */
  readonly providers: readonly string[];
  readonly loginRequired: string | undefined;
  readonly logoutLocation: string | undefined;
}

export function formAuthConfig(values: ConfigValues, core: CoreDir): FormAuthConfig {
  return {
    active: core.authType?.toLowerCase() === "form",
    providers: values.get(AuthFormProvider) ?? ["file"],
    loginRequired: values.get(AuthFormLoginRequiredLocation),
    logoutLocation: values.get(AuthFormLogoutLocation),
  };
}
