// How errors name a field: the path of a zod issue as `datasets[0].name`, the same in every input file we read.

export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");
}
