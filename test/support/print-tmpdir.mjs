// Prints os.tmpdir() as a child process sees it (test/packaging/temp-dir.test.ts).
import { tmpdir } from "node:os";
process.stdout.write(`${tmpdir()}\n`);
