export { type Field, FieldStorage, type FormEntry, type FormValue } from "./field-storage";
export { FileField } from "./file-field";
export { DEFAULT_FORM_LIMITS, FormLimitError, type FormLimits } from "./limits";
export { type FormInput, type FormOptions, parseForm, parseQueryForm } from "./parse-form";
export { parseQs, parseQsl } from "./parse-qs";
