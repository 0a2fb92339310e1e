// Collects the bad lines of an input file so one error lists every one of them (up to a cap), not the first only.

/** Bad lines listed in one error at most; the rest are counted. */
export const MAX_REPORTED_BAD_LINES = 20;

export class BadLines {
  readonly shown: string[] = [];
  count = 0;

  add(message: string): void {
    this.count++;
    if (this.shown.length < MAX_REPORTED_BAD_LINES) this.shown.push(message);
  }

  /** `file: N bad lines:` then one per line, then how many more were not shown; one bad line is its own message. */
  message(file: string): string {
    if (this.count === 1) return this.shown[0]!;
    const more = this.count > this.shown.length ? `\n  … and ${this.count - this.shown.length} more bad lines` : "";
    return `${file}: ${this.count} bad lines:\n${this.shown.map((m) => `  ${m}`).join("\n")}${more}`;
  }
}
