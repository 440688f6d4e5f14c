import * as path from "node:path";
import { PSP, PSPCache, type PSPOptions, type PSPVars } from "../../psp-templates";
import { FakeRequest } from "./fake-request";

export const FIXTURES = path.join(__dirname, "fixtures");

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/** Renders a fixture page with a private cache, so tests never see each other's pages. */
export async function renderFile(file: string, vars: PSPVars = {}, options: PSPOptions = {}): Promise<string> {
  return new PSP(new FakeRequest(file), { filename: file }, vars, { cache: new PSPCache(), ...options }).render();
}

/** Renders template text as if it lived in the fixtures folder. */
export async function renderString(text: string, vars: PSPVars = {}, options: PSPOptions = {}): Promise<string> {
  return new PSP(new FakeRequest(fixture("page.psp")), { string: text }, vars, { cache: new PSPCache(), ...options }).render();
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: unknown): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}
