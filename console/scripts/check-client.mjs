// Fails when src/api/schema.d.ts is not what openapi-typescript generates from ../schemas/openapi.json.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const scratch = mkdtempSync(join(tmpdir(), "console-client-"));
const generated = join(scratch, "schema.d.ts");
try {
  execFileSync(
    process.execPath,
    ["node_modules/openapi-typescript/bin/cli.js", "../schemas/openapi.json", "-o", generated],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  if (readFileSync(generated, "utf8") !== readFileSync("src/api/schema.d.ts", "utf8")) {
    console.error(
      "src/api/schema.d.ts is out of date with schemas/openapi.json: run `npm run generate-client` and commit it.",
    );
    process.exit(1);
  }
  console.log("src/api/schema.d.ts matches schemas/openapi.json");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
