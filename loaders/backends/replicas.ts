// Several serving replicas of one model (vLLM data-parallel): each request goes to the least-loaded one.

/** A model's base URLs as configured: one string, or a list of replicas serving the same weights. */
export type BaseURLs = string | readonly string[];

export function baseURLList(baseURL: BaseURLs): string[] {
  const list = typeof baseURL === "string" ? [baseURL] : [...baseURL];
  if (list.length === 0) throw new RangeError("baseURL: at least one URL is needed");
  return list;
}

/** The URL that names the model in store keys: the first replica, so appending replicas changes no key. */
export function primaryBaseURL(baseURL: BaseURLs): string {
  return baseURLList(baseURL)[0]!;
}

export interface Lease<T> {
  replica: T;
  /** Position of the replica in the configured list. */
  position: number;
  release(): void;
}

export interface ReplicaRouter<T> {
  /** The least-loaded replica now (fewest requests in flight; ties go round-robin), held until release(). */
  acquire(): Lease<T>;
  /** Requests in flight per replica, in configured order. */
  load(): number[];
}

/**
 * Least-loaded routing. In-flight counts are this process's own (each shard process routes its own share;
 * the server's queue would need a metrics scrape, which not every server offers). Ties rotate, so an idle
 * set of replicas still shares the first requests evenly.
 */
export function createReplicaRouter<T>(replicas: readonly T[]): ReplicaRouter<T> {
  if (replicas.length === 0) throw new RangeError("a replica router needs at least one replica");
  const inFlight = new Array<number>(replicas.length).fill(0);
  let next = 0;
  return {
    acquire() {
      let best = -1;
      for (let step = 0; step < replicas.length; step++) {
        const i = (next + step) % replicas.length;
        if (best === -1 || inFlight[i]! < inFlight[best]!) best = i;
      }
      next = (best + 1) % replicas.length;
      inFlight[best]!++;
      let released = false;
      return {
        replica: replicas[best]!,
        position: best,
        release: () => {
          if (released) return;
          released = true;
          inFlight[best]!--;
        }
      };
    },
    load: () => [...inFlight]
  };
}
