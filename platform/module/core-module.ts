import { CORE_DIRECTIVES } from "../core";
import { defineModule } from "./define-module";

/** Apache's core directives as the first module of every set: what the engine itself reads. */
export const coreModule = defineModule({ name: "core", directives: CORE_DIRECTIVES });
