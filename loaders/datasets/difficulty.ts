// Maps each dataset's own difficulty field onto one shape (label, TACO level when known, rating, tags).
import {DIFFICULTY_LEVELS, type Difficulty, type DifficultyLevel} from "./problem.ts";

const TACO_ALIASES: Record<string, DifficultyLevel> = {
  EASY: "EASY",
  MEDIUM: "MEDIUM",
  MEDIUM_HARD: "MEDIUM_HARD",
  "MEDIUM-HARD": "MEDIUM_HARD",
  HARD: "HARD",
  VERY_HARD: "VERY_HARD",
  "VERY-HARD": "VERY_HARD"
};

export function tacoLevel(value: unknown): DifficultyLevel | null {
  return typeof value === "string" ? (TACO_ALIASES[value.trim().toUpperCase()] ?? null) : null;
}

/** Accepts `{level}` (demo), `{taco_difficulty}`, `{cf_rating, cf_tags}` (CodeContests), `{apps_difficulty}`, or a string. */
export function normaliseDifficulty(raw: unknown): Difficulty {
  const base = difficultyFields(raw);
  return {...base, order: difficultyOrder(base)};
}

function difficultyFields(raw: unknown): Omit<Difficulty, "order"> {
  if (typeof raw === "string") {
    const level = tacoLevel(raw);
    return {label: level ?? raw, level, rating: null, tags: []};
  }
  const r = (raw ?? {}) as Record<string, unknown>;
  const tags = [r.tags, r.cf_tags].find(Array.isArray)?.filter((t): t is string => typeof t === "string") ?? [];
  const rating = typeof r.cf_rating === "number" && r.cf_rating > 0 ? r.cf_rating : null;
  const level = tacoLevel(r.level) ?? tacoLevel(r.taco_difficulty) ?? tacoLevel(r.difficulty);
  if (level) return {label: level, level, rating, tags};
  if (typeof r.apps_difficulty === "string") return {label: r.apps_difficulty, level: null, rating, tags};
  if (rating !== null) return {label: `rating ${rating}`, level: null, rating, tags};
  return {label: "unknown", level: null, rating, tags};
}

/** Sort order for difficulty labels: TACO levels first in order, then ratings ascending, then the rest. */
export function difficultyOrder(d: Pick<Difficulty, "level" | "rating" | "label">): number {
  if (d.level) return DIFFICULTY_LEVELS.indexOf(d.level);
  const apps = ["introductory", "interview", "competition"].indexOf(d.label);
  if (apps >= 0) return 10 + apps;
  if (d.rating !== null) return 100 + d.rating / 100;
  return 1000;
}
