// Usage: node tests/openapi/print_document.mjs WINNOW_BINARY > openapi.json
// Prints the running server's /v1/openapi.json (document.mjs), two-space indented.
import { fetchDocument } from "./document.mjs";

if (process.argv.length !== 3) {
  console.error("usage: node print_document.mjs WINNOW_BINARY");
  process.exit(2);
}
const doc = await fetchDocument(process.argv[2]);
process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
