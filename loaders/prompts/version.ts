// Content hashes of prompt wording, so that rewording a prompt changes the keys of the results it produced.
import {hashOf} from "../store/index.ts";
import {getPrompt, PROMPTS, type PromptEntry} from "./catalog.ts";
import {CODE_REQUEST, FRAME_TEXTS} from "./problemPrompt.ts";

/** Hex digits kept: 48 bits is plenty for a few dozen prompts and short enough to read in a key or a listing. */
const VERSION_LENGTH = 12;

/** Short hash of a prompt text; exported so callers can version texts outside the catalog the same way. */
export function textVersion(text: string): string {
  return hashOf(text).slice(0, VERSION_LENGTH);
}

/**
 * The version of one prompt: a hash of its text only (not its title, which is documentation), so a changed
 * wording yields a new version and new result keys, while retitling does not invalidate results.
 */
export function promptVersion(id: string, catalog: readonly PromptEntry[] = PROMPTS): string {
  return textVersion(getPrompt(id, catalog).text);
}

/** The version of the wording around every problem (intro, I/O contracts, answer format, code request). */
export const PROMPT_FRAME_VERSION: string = hashOf({frame: FRAME_TEXTS, codeRequest: CODE_REQUEST}).slice(0, VERSION_LENGTH);

/** One hash over the whole catalog and the frame: handy to tag a run with "which prompts were these". */
export function catalogVersion(catalog: readonly PromptEntry[] = PROMPTS): string {
  const texts = catalog.map((p) => ({id: p.id, text: p.text}));
  return hashOf({prompts: texts, frame: PROMPT_FRAME_VERSION}).slice(0, VERSION_LENGTH);
}
