// What CLI commands write to; tests pass their own to capture output.
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text)
};

/** An error whose message is meant for the user as-is (no stack trace), with an exit code. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2
  ) {
    super(message);
    this.name = "UsageError";
  }
}
