// Strict input: every object in a schema refuses unknown keys, and every issue is reported with a did-you-mean.
import {closest, distance} from "fastest-levenshtein";
import {z} from "zod";
import {fieldPath} from "./fieldPath.ts";

type AnySchema = z.core.$ZodType;
type Def = Record<string, unknown> & {type: string};

const converted = new WeakMap<AnySchema, AnySchema>();

/**
 * A copy of `schema` in which every `z.object` (at any depth: inside arrays, unions, records, defaults,
 * optionals, pipes) rejects unknown keys. Objects declared `.loose()`/`.passthrough()` or with a catchall keep
 * theirs. Applied once to a whole input schema, so a key someone adds later is strict without thinking about it.
 */
export function strictDeep<T extends AnySchema>(schema: T): T {
  const done = converted.get(schema);
  if (done) return done as T;
  const def = schema._zod.def as unknown as Def;
  const clone = (patch: Record<string, unknown>): T => (schema as unknown as {clone(d: unknown): T}).clone({...def, ...patch});
  let out: T = schema;
  switch (def.type) {
    case "object": {
      const shape = Object.fromEntries(Object.entries(def.shape as Record<string, AnySchema>).map(([k, v]) => [k, strictDeep(v)]));
      out = clone({shape, catchall: def.catchall ?? z.never()});
      break;
    }
    case "array":
      out = clone({element: strictDeep(def.element as AnySchema)});
      break;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      out = clone({innerType: strictDeep(def.innerType as AnySchema)});
      break;
    case "union":
      out = clone({options: (def.options as AnySchema[]).map(strictDeep)});
      break;
    case "record":
      out = clone({valueType: strictDeep(def.valueType as AnySchema)});
      break;
    case "tuple":
      out = clone({items: (def.items as AnySchema[]).map(strictDeep), rest: def.rest ? strictDeep(def.rest as AnySchema) : def.rest});
      break;
    case "intersection":
      out = clone({left: strictDeep(def.left as AnySchema), right: strictDeep(def.right as AnySchema)});
      break;
    case "pipe":
      out = clone({in: strictDeep(def.in as AnySchema), out: strictDeep(def.out as AnySchema)});
      break;
    case "lazy": {
      const getter = def.getter as () => AnySchema;
      out = clone({getter: () => strictDeep(getter())});
      break;
    }
  }
  converted.set(schema, out);
  return out;
}

/** The nearest valid key, if it is near enough to be what was meant (a typo, not a different word). */
export function suggestKey(key: string, valid: readonly string[]): string | undefined {
  if (valid.length === 0) return undefined;
  const lower = key.toLowerCase();
  const sameCase = valid.find((v) => v.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const best = closest(key, valid as string[]);
  return distance(key, best) <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** One line per problem (per unknown key), `path: message`, in input order. */
export interface StrictResult<T> {
  data?: T;
  problems: string[];
  /** The same problems, structured. */
  fields: FieldProblem[];
}

/**
 * Parses with `schema` and returns every problem as `path: message`. Unknown keys read
 * `models[0].concurency: unknown key (did you mean "concurrency"?)`, the suggestion drawn from the object's own shape.
 */
export function parseStrict<T extends AnySchema>(schema: T, value: unknown): StrictResult<z.output<T>> {
  const suggestions = new Map<string, string>();
  const parsed = z.safeParse(schema, value, {
    error: (issue) => {
      if (issue.code === "invalid_union" && issue.errors.length === 0) return discriminatorMessage(issue);
      if (issue.code !== "unrecognized_keys") return undefined;
      const shape = (issue.inst?._zod.def as {shape?: Record<string, unknown>} | undefined)?.shape ?? {};
      const valid = Object.keys(shape);
      for (const key of issue.keys) {
        const near = suggestKey(key, valid);
        suggestions.set(fieldPath([...(issue.path ?? []), key]), near ? ` (did you mean "${near}"?)` : ` (valid keys: ${valid.join(", ")})`);
      }
      return undefined;
    }
  });
  if (parsed.success) return {data: parsed.data, problems: [], fields: []};
  const fields = fieldProblems(parsed.error.issues, suggestions);
  return {problems: fields.map((p) => `${p.path || "(root)"}: ${p.message}`), fields};
}

/** The message when a discriminated union's tag matches no option: the tags that would. */
function discriminatorMessage(issue: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidUnion>): string | undefined {
  const values = (issue.inst?._zod as {propValues?: Record<string, Set<unknown>>} | undefined)?.propValues;
  const tag = (issue as {discriminator?: string}).discriminator;
  const allowed = tag && values?.[tag] ? [...values[tag]] : [];
  if (allowed.length === 0) return undefined;
  const got = (issue.input as Record<string, unknown> | undefined)?.[tag!];
  const near = typeof got === "string" ? suggestKey(got, allowed.map(String)) : undefined;
  return `expected one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}${got === undefined ? " (missing)" : `, got ${JSON.stringify(got)}`}${near ? ` (did you mean "${near}"?)` : ""}`;
}

/** One problem found: the field's path (`models[0].concurency`, "" for the root) and what is wrong with it. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** `issues` as lines `path: message`; `prefix` is the path of the union an issue came from (its path is relative to it). */
export function formatIssues(issues: readonly z.core.$ZodIssue[], suggestions = new Map<string, string>(), prefix: PropertyKey[] = []): string[] {
  return fieldProblems(issues, suggestions, prefix).map((p) => `${p.path || "(root)"}: ${p.message}`);
}

/** The same problems, structured (for formats that name the field their own way, like problem files). */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], suggestions = new Map<string, string>(), prefix: PropertyKey[] = []): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const at = fieldPath([...prefix, ...issue.path, key]);
        out.push({path: at, message: `unknown key${suggestions.get(at) ?? suggestions.get(fieldPath([...issue.path, key])) ?? ""}`});
      }
    } else if (issue.code === "invalid_union" && issue.errors.length > 0 && issue.errors.every((e) => e.length > 0)) {
      // The nearest alternative (fewest problems) says most about what was meant.
      const nearest = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
      const nested = fieldProblems(nearest, suggestions, [...prefix, ...issue.path]);
      out.push(...(nested.length > 0 ? nested : [{path: fieldPath([...prefix, ...issue.path]), message: issue.message}]));
    } else {
      out.push({path: fieldPath([...prefix, ...issue.path]), message: issue.message});
    }
  }
  return out;
}
